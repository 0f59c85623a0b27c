import type { Json, JsonObject } from '../../../src/util/json.ts';
import { PeerConfigError } from '../../peer.ts';
import { extraHeaders, readRecInd } from '../mms-pdus.ts';
import type { HandsetLink } from './handset-link.ts';

/** The `read-report` action: m-read-rec-ind (OMA-TS-MMS_ENC-V1_3 §6.7.2), MMS 1.1+ read report of the recipient. */
export async function readReportAction(h: HandsetLink, p: JsonObject): Promise<Json> {
  if (typeof p.messageId !== 'string' || typeof p.to !== 'string') {
    throw new PeerConfigError(h.name, 'read-report needs {messageId, to, status?: Read|Deleted}');
  }
  const status = p.status === undefined ? 'Read' : p.status;
  if (status !== 'Read' && status !== 'Deleted')
    throw new PeerConfigError(h.name, 'read-report status is Read or Deleted');
  const bytes = readRecInd({
    messageId: p.messageId,
    to: p.to,
    status,
    version: h.version,
    extra: extraHeaders(h.name, p.headers),
  });
  const r = await h.post(bytes);
  return { status: r.status };
}
