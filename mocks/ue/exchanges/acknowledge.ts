import type { MmsValue } from '../../../src/codec/mms/index.ts';
import type { Json, JsonObject } from '../../../src/util/json.ts';
import type { InboxEntry } from '../inbox-entry.ts';
import { acknowledgeInd, extraHeaders } from '../mms-pdus.ts';
import type { HandsetLink } from './handset-link.ts';
import { entryFor } from './inbox.ts';
import { reportAllowedParam } from './notifyresp.ts';

/**
 * m-acknowledge-ind (OMA-TS-MMS_ENC-V1_3 §6.4; CTR §6.3.2): the end of a deferred retrieval.
 * Suppressed by `no-ack`.
 */
export async function sendAck(
  h: HandsetLink,
  entry: InboxEntry,
  reportAllowed?: boolean,
  extra?: Record<string, MmsValue | MmsValue[]>,
): Promise<Json> {
  if (h.has('no-ack')) {
    h.event('no-ack', { suppressed: 'm-acknowledge-ind' });
    return { status: 0, suppressed: true };
  }
  const bytes = acknowledgeInd({
    transactionId: entry.transactionId ?? '',
    version: h.version,
    ...(reportAllowed === undefined ? {} : { reportAllowed }),
    ...(extra === undefined ? {} : { extra }),
  });
  const r = await h.post(bytes);
  return { status: r.status };
}

/** The `acknowledge` action: an explicit m-acknowledge-ind for an inbox entry. */
export async function acknowledgeAction(h: HandsetLink, p: JsonObject): Promise<Json> {
  return sendAck(h, entryFor(h, p), reportAllowedParam(h.name, p), extraHeaders(h.name, p.headers));
}
