import type { Json, JsonObject } from '../../../src/util/json.ts';
import { PeerConfigError } from '../../peer.ts';
import { cancelConf } from '../mms-pdus.ts';
import type { HandsetLink } from './handset-link.ts';

const STATUSES = ['Cancel-request-successfully-received', 'Cancel-request-corrupted'] as const;

/**
 * The `cancel-conf` action: m-cancel-conf for an m-cancel-req the handset was pushed (MMS 1.2+),
 * echoing its Transaction-ID with an X-Mms-Cancel-Status. The MMSC's HTTP answer is published as
 * `http-response` (status), the only thing a one-way PDU gets back.
 */
export async function cancelConfAction(h: HandsetLink, p: JsonObject): Promise<Json> {
  const transactionId = p.transactionId;
  if (typeof transactionId !== 'string' || transactionId === '')
    throw new PeerConfigError(h.name, 'cancel-conf needs the transactionId of the m-cancel-req');
  const status = p.status ?? 'Cancel-request-successfully-received';
  if (typeof status !== 'string' || !(STATUSES as readonly string[]).includes(status))
    throw new PeerConfigError(h.name, `cancel-conf: status must be one of ${STATUSES.join(', ')}`);
  // M-Cancel.conf is a PDU of MMS 1.3 (the codec's table): a client answering one speaks 1.3
  const bytes = cancelConf({
    transactionId,
    version: '1.3',
    status: status as (typeof STATUSES)[number],
  });
  const r = await h.post(bytes);
  const detail: JsonObject = { pdu: 'm-cancel-conf', status: r.status };
  h.event('http-response', detail);
  return detail;
}
