import type { Json, JsonObject } from '../../../src/util/json.ts';
import { PeerConfigError } from '../../peer.ts';
import { extraHeaders, forwardReq } from '../mms-pdus.ts';
import { confResult, type HandsetLink } from './handset-link.ts';

/** The `forward` action: m-forward-req (OMA-TS-MMS_ENC-V1_3 §6.5) of a content location -> m-forward-conf. */
export async function forwardAction(h: HandsetLink, p: JsonObject): Promise<Json> {
  if (typeof p.contentLocation !== 'string' || (typeof p.to !== 'string' && !Array.isArray(p.to))) {
    throw new PeerConfigError(h.name, 'forward needs {to, contentLocation}');
  }
  const transactionId = h.nextTid();
  const to = (Array.isArray(p.to) ? p.to : [p.to]).map(String);
  const bytes = forwardReq(
    {
      transactionId,
      to,
      contentLocation: p.contentLocation,
      version: h.version,
      extra: extraHeaders(h.name, p.headers),
    },
    h.name,
  );
  const r = await h.post(bytes);
  return { transactionId, ...confResult(r) };
}
