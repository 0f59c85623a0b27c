import { describe, expect, it } from 'vitest';
import { MM7_ELEMENTS } from './mm7-elements.ts';
import type { Mm7MessageType } from './mm7-message.ts';

/**
 * The sub-clause of TS 23.140 V6.16.0 (its table of contents, the numbering the requirement
 * catalogue uses) that defines each operation's own information elements.
 */
const SUBCLAUSE: Partial<Record<Mm7MessageType, string>> = {
  SubmitReq: '8.7.1',
  SubmitRsp: '8.7.1',
  DeliverReq: '8.7.2',
  DeliverRsp: '8.7.2',
  CancelReq: '8.7.3',
  ReplaceReq: '8.7.3',
  DeliveryReportReq: '8.7.4',
  ReadReplyReq: '8.7.5',
};

describe('MM7 element table clauses', () => {
  it.each(Object.entries(SUBCLAUSE))('%s cites §%s for its own elements', (type, clause) => {
    const own = MM7_ELEMENTS[type as Mm7MessageType].filter(
      (r) => !['MM7Version', 'SenderIdentification', 'MMSRelayServerID', 'Status'].includes(r.name),
    );
    expect(own.length).toBeGreaterThan(0);
    for (const r of own)
      expect(r.clause, r.name).toMatch(new RegExp(`^23\\.140 §${clause.replace(/\./g, '\\.')}\\b`));
  });

  it('cites no table number (none was confirmed against V6.16.0)', () => {
    for (const rows of Object.values(MM7_ELEMENTS))
      for (const r of rows) expect(r.clause, r.name).not.toMatch(/table/i);
  });
});
