import { bytesFromJson, type Json, type JsonObject } from '../../../src/util/json.ts';
import { PeerConfigError } from '../../peer.ts';
import { MMS_MEDIA_TYPE, mediaType } from '../../wap-gateway/http-util.ts';
import { holdConnections, holdSpec, httpProbe, probeRequest, rawProbe } from '../http-probe.ts';
import type { HandsetLink } from './handset-link.ts';

/** Robustness probes of the MM1 server (the handset as a misbehaving HTTP client; see http-probe.ts). */

/** Robustness probe: any HTTP request to the MMSC (see http-probe.ts); publishes `http-response`. */
export async function httpAction(h: HandsetLink, p: JsonObject): Promise<Json> {
  const r = probeRequest(h.name, p, {
    mm1Url: h.mm1Url(),
    ...(h.gateway ? { gateway: h.gateway } : {}),
    msisdn: h.msisdn,
  });
  const res = await httpProbe(r, h.probeAgent);
  const isMms = mediaType(res.contentType) === MMS_MEDIA_TYPE;
  if (isMms && res.body.length) h.observe(res.body, 'in', 'mmsc');
  const detail: JsonObject = {
    method: r.method,
    url: r.url,
    status: res.status,
    contentType: res.contentType,
    size: res.body.length,
    ...(isMms ? {} : { text: Buffer.from(res.body.subarray(0, 512)).toString('utf8') }),
  };
  h.event('http-response', detail);
  return detail;
}

/** Robustness probe: raw octets on a new TCP connection to the MM1 port; publishes `http-raw-response`. */
export async function httpRawAction(h: HandsetLink, p: JsonObject): Promise<Json> {
  let bytes: Uint8Array;
  if (typeof p.text === 'string') bytes = new TextEncoder().encode(p.text);
  else if (typeof p.base64 === 'string') bytes = bytesFromJson({ $base64: p.base64 });
  else throw new PeerConfigError(h.name, 'http-raw needs text or base64');
  const waitMs = typeof p.waitMs === 'number' ? Math.min(Math.max(p.waitMs, 0), 10_000) : 2000;
  const url = typeof p.url === 'string' ? p.url : (h.mmsc ?? h.mm1Url());
  const r = await rawProbe(url, bytes, waitMs);
  const detail: JsonObject = { ...r, sent: bytes.length };
  h.event('http-raw-response', detail);
  return detail;
}

/**
 * Robustness probe: misbehaving connections to the MM1 port held in the background (see
 * holdConnections: idle, slow-headers, stalled-body, half-close, junk-half-open) while the case
 * goes on; publishes `http-hold-ended` with what the server did to them.
 */
export function httpHoldAction(h: HandsetLink, p: JsonObject): Json {
  const spec = holdSpec(h.name, p);
  const url = typeof p.url === 'string' ? p.url : (h.mmsc ?? h.mm1Url());
  const held = holdConnections(url, spec);
  h.holds.add(held.cancel);
  held.done.then(
    (r) => {
      h.holds.delete(held.cancel);
      h.event('http-hold-ended', { ...r } as unknown as JsonObject);
    },
    (e: unknown) => {
      h.holds.delete(held.cancel);
      h.event('http-hold-ended', { mode: spec.mode, opened: 0, error: String(e) });
    },
  );
  return { mode: spec.mode, connections: spec.connections, holdMs: spec.holdMs };
}
