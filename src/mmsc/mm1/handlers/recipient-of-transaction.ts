import { getHeader, type MmsPdu } from '../../../codec/mms/index.ts';
import type { MmscCore } from '../../mmsc-core.ts';
import { textOf } from '../pdus.ts';

/**
 * The stored recipient an m-notifyresp-ind / m-acknowledge-ind answers for (by the notification's
 * X-Mms-Transaction-Id), if the subscriber is that recipient; else the HTTP error to answer.
 */
export function recipientOfTransaction(core: MmscCore, pdu: MmsPdu, subscriber: string | undefined) {
  const tid = textOf(getHeader(pdu, 'X-Mms-Transaction-Id')) ?? '';
  const found = core.store.byNotifyTransaction(tid);
  if (!found) return { error: 404 as const, text: `unknown transaction ${tid}` };
  const rcpt = found.message.recipients[found.index];
  if (!subscriber && core.config.requireMsisdnHeader)
    return { error: 403 as const, text: 'subscriber not identified' };
  if (subscriber && rcpt.msisdn && subscriber !== rcpt.msisdn)
    return { error: 403 as const, text: 'not your transaction' };
  return { found, rcpt };
}
