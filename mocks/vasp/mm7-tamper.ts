import { parseContentType } from '../../src/codec/mime/index.ts';
import { SOAP11_NS, SOAP12_NS } from '../../src/codec/mm7/index.ts';
import type { Json } from '../../src/util/json.ts';
import { PeerConfigError } from '../peer.ts';

/**
 * `tamper:` of the VASP's submit / replace / cancel: one deliberate defect written into the
 * encoded request, everything else as a conforming VASP sends it (robustness cases).
 * - `namespace`: the MM7 schema namespace (operation and TransactionID header) bent one way;
 * - `envelope: soap12`: the SOAP 1.2 Envelope namespace instead of SOAP 1.1's;
 * - `href`: this Content@href instead of the one naming the content part;
 * - `unclosed: true`: the multipart body without its close-delimiter (RFC 2046 §5.1.1).
 */
export interface Mm7Tamper {
  namespace?: NamespaceBend;
  envelope?: 'soap12';
  href?: string;
  unclosed?: boolean;
}

const BENDS = {
  'trailing-slash': (ns: string) => `${ns}/`,
  https: (ns: string) => ns.replace(/^http:/, 'https:'),
  'upper-case': (ns: string) => ns.toUpperCase(),
  'trailing-space': (ns: string) => `${ns} `,
  'other-host': (ns: string) => ns.replace('//www.3gpp.org/', '//www.3gpp.example/'),
} as const;
export type NamespaceBend = keyof typeof BENDS;

export function parseTamper(peer: string, v: Json | undefined): Mm7Tamper | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new PeerConfigError(peer, 'tamper: an object');
  const out: Mm7Tamper = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'namespace' && typeof x === 'string' && x in BENDS) out.namespace = x as NamespaceBend;
    else if (k === 'envelope' && x === 'soap12') out.envelope = 'soap12';
    else if (k === 'href' && typeof x === 'string') out.href = x;
    else if (k === 'unclosed' && typeof x === 'boolean') out.unclosed = x;
    else
      throw new PeerConfigError(
        peer,
        `tamper.${k}: namespace (${Object.keys(BENDS).join(', ')}), envelope (soap12), href (text), unclosed (boolean)`,
      );
  }
  return out;
}

/**
 * The encoded request `body` (content type `contentType`, MM7 namespace `ns`) with the defects of
 * `t`. Works on the octets (latin1 keeps every octet), so attachments pass unchanged.
 */
export function tamperMm7(
  peer: string,
  body: Uint8Array,
  contentType: string,
  ns: string,
  t: Mm7Tamper,
): Uint8Array {
  let s = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  const swap = (from: string, to: string, what: string) => {
    if (!s.includes(from)) throw new PeerConfigError(peer, `tamper: no ${what} to bend`);
    s = s.split(from).join(to);
  };
  if (t.namespace) swap(`"${ns}"`, `"${BENDS[t.namespace](ns)}"`, 'MM7 namespace');
  if (t.envelope === 'soap12') swap(`"${SOAP11_NS}"`, `"${SOAP12_NS}"`, 'SOAP 1.1 Envelope namespace');
  if (t.href !== undefined) {
    const m = / href="[^"]*"/.exec(s);
    if (!m) throw new PeerConfigError(peer, 'tamper.href: the request has no Content (give text or parts)');
    s = `${s.slice(0, m.index)} href="${t.href.replace(/[&"<]/g, (c) => `&#${c.charCodeAt(0)};`)}"${s.slice(m.index + m[0].length)}`;
  }
  if (t.unclosed) {
    const boundary = parseContentType(contentType)?.params.boundary;
    const close = boundary ? s.lastIndexOf(`\r\n--${boundary}--`) : -1;
    if (close < 0)
      throw new PeerConfigError(peer, 'tamper.unclosed: the request is no multipart (give text or parts)');
    s = s.slice(0, close);
  }
  return new Uint8Array(Buffer.from(s, 'latin1'));
}
