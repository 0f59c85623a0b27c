import type { MmsValue } from '../../../src/codec/mms/index.ts';
import type { Json, JsonObject } from '../../../src/util/json.ts';
import { PeerConfigError } from '../../peer.ts';
import type { InboxEntry } from '../inbox-entry.ts';
import { extraHeaders, type NotifyStatus, notifyRespInd } from '../mms-pdus.ts';
import type { HandsetLink } from './handset-link.ts';
import { entryFor } from './inbox.ts';

/**
 * m-notifyresp-ind (OMA-TS-MMS_ENC-V1_3 §6.2; CTR §6.3): the handset's answer to a notification
 * (Retrieved after an immediate retrieval, Deferred, Rejected, Unrecognised). Suppressed by `no-ack`.
 */
export async function sendNotifyResp(
  h: HandsetLink,
  entry: InboxEntry,
  status: NotifyStatus,
  reportAllowed?: boolean,
  extra?: Record<string, MmsValue | MmsValue[]>,
): Promise<Json> {
  if (h.has('no-ack')) {
    h.event('no-ack', { suppressed: 'm-notifyresp-ind', status });
    return { status: 0, suppressed: true };
  }
  entry.notifyStatus = status;
  const bytes = notifyRespInd({
    transactionId: entry.transactionId ?? '',
    status,
    version: h.version,
    ...(reportAllowed === undefined ? {} : { reportAllowed }),
    ...(extra === undefined ? {} : { extra }),
  });
  const r = await h.post(bytes);
  return { status: r.status };
}

/** The `notifyresp` action: an explicit m-notifyresp-ind for an inbox entry. */
export async function notifyRespAction(h: HandsetLink, p: JsonObject): Promise<Json> {
  const status = p.status;
  const allowed: NotifyStatus[] = ['Retrieved', 'Rejected', 'Deferred', 'Unrecognised'];
  if (typeof status !== 'string' || !allowed.includes(status as NotifyStatus)) {
    throw new PeerConfigError(h.name, `notifyresp needs {status: ${allowed.join('|')}}`);
  }
  const entry = entryFor(h, p);
  if (status === 'Deferred') entry.state = 'deferred';
  if (status === 'Rejected') entry.state = 'rejected';
  return sendNotifyResp(
    h,
    entry,
    status as NotifyStatus,
    reportAllowedParam(h.name, p),
    extraHeaders(h.name, p.headers),
  );
}

/** `reportAllowed` of notifyresp / acknowledge: X-Mms-Report-Allowed Yes/No, absent when not given. */
export function reportAllowedParam(peer: string, p: JsonObject): boolean | undefined {
  if (p.reportAllowed === undefined) return undefined;
  if (typeof p.reportAllowed !== 'boolean')
    throw new PeerConfigError(peer, 'reportAllowed must be true or false');
  return p.reportAllowed;
}
