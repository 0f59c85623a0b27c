import { parseDurationText } from '../../../src/util/duration-text.ts';
import { bytesFromJson, type Json, type JsonObject } from '../../../src/util/json.ts';
import { PeerConfigError } from '../../peer.ts';
import { type SendOptions, sendReq } from '../mms-pdus.ts';
import { confResult, type HandsetLink } from './handset-link.ts';

/**
 * The `send` action: m-send-req (OMA-TS-MMS_ENC-V1_3 §6.1.1) -> m-send-conf, built from the
 * action's parameters, or exactly the given `raw` octets.
 */
export async function sendAction(h: HandsetLink, p: JsonObject): Promise<Json> {
  let bytes: Uint8Array;
  let transactionId: string | undefined;
  if (p.raw !== undefined) {
    bytes = rawBytes(h.name, p.raw);
  } else {
    const types: Record<string, string> = {
      subject: 'string',
      messageClass: 'string',
      priority: 'string',
      deliveryReport: 'boolean',
      readReport: 'boolean',
      transactionId: 'string',
    };
    for (const [k, t] of Object.entries(types)) {
      if (p[k] !== undefined && typeof p[k] !== t)
        throw new PeerConfigError(h.name, `send: ${k} must be a ${t}`);
    }
    if (p.parts !== undefined && !Array.isArray(p.parts))
      throw new PeerConfigError(h.name, 'send: parts must be a list');
    if (
      p.headers !== undefined &&
      (typeof p.headers !== 'object' || p.headers === null || Array.isArray(p.headers))
    ) {
      throw new PeerConfigError(h.name, 'send: headers must be an object');
    }
    transactionId = typeof p.transactionId === 'string' ? p.transactionId : h.nextTid();
    const expiry = expirySeconds(h.name, p.expiry);
    bytes = sendReq(
      {
        ...(p as unknown as SendOptions),
        ...(expiry === undefined ? {} : { expiry }),
        transactionId,
        version: h.version,
      },
      h.name,
    );
  }
  const r = await h.post(bytes);
  const out = confResult(r);
  if (transactionId && !('transactionId' in out)) out.transactionId = transactionId;
  return out;
}

/**
 * The octets of `send raw`: base64 text, or a list of chunks (base64 text, or `{text}` written as
 * UTF-8) so a hand-made PDU can carry templated values such as the recipient's number.
 */
export function rawBytes(peer: string, raw: Json): Uint8Array {
  if (typeof raw === 'string') return bytesFromJson({ $base64: raw });
  if (!Array.isArray(raw) || raw.length === 0)
    throw new PeerConfigError(peer, 'send raw must be base64 text or a list of chunks');
  const chunks = raw.map((c) => {
    if (typeof c === 'string') return bytesFromJson({ $base64: c });
    if (c && typeof c === 'object' && !Array.isArray(c) && typeof c.text === 'string')
      return new TextEncoder().encode(c.text);
    throw new PeerConfigError(peer, 'a send raw chunk is base64 text or {text}');
  });
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * `send`'s relative expiry: seconds, or a duration text such as an ICS timer renders to (`1s`,
 * `1500ms`, `1s + 2s`), rounded up to whole seconds (X-Mms-Expiry carries Delta-seconds-value,
 * OMA-TS-MMS_ENC-V1_3 X-Mms-Expiry).
 */
function expirySeconds(peer: string, v: Json | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return v;
  const ms = typeof v === 'string' ? parseDurationText(v) : undefined;
  if (ms === undefined)
    throw new PeerConfigError(peer, 'send: expiry must be seconds or a duration (2s, 1500ms)');
  return Math.ceil(ms / 1000);
}
