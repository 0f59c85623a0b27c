import { EncodeError } from '../codec-error.ts';
import { formatContentType } from './content-type.ts';
import type { MimeEntity, MimeHeader } from './mime-entity.ts';

const OWN = new Set([
  'content-type',
  'content-id',
  'content-location',
  'content-transfer-encoding',
  'mime-version',
]);
const CRLF = '\r\n';

/** Builds a body part from its content type and content; no headers beyond the MIME ones. */
export function mimePart(
  contentType: string,
  body: Uint8Array | string,
  opts: {
    params?: Record<string, string>;
    contentId?: string;
    contentLocation?: string;
    headers?: MimeHeader[];
  } = {},
): MimeEntity {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const params = { ...(opts.params ?? {}) };
  if (typeof body === 'string' && contentType.startsWith('text/') && !params.charset)
    params.charset = 'utf-8';
  const e: MimeEntity = {
    headers: opts.headers ?? [],
    contentType: contentType.toLowerCase(),
    params,
    body: bytes,
  };
  if (opts.contentId !== undefined) e.contentId = opts.contentId;
  if (opts.contentLocation !== undefined) e.contentLocation = opts.contentLocation;
  return e;
}

/** True when the content can travel as 7bit lines (RFC 2045 §2.7). */
function is7bit(b: Uint8Array): boolean {
  let line = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0 || c > 0x7e || (c < 0x20 && c !== 0x0d && c !== 0x0a && c !== 0x09)) return false;
    if (c === 0x0a) {
      if (i === 0 || b[i - 1] !== 0x0d) return false;
      line = 0;
    } else if (c === 0x0d) {
      if (b[i + 1] !== 0x0a) return false;
    } else if (++line > 998) return false;
  }
  return true;
}

function base64Lines(b: Uint8Array): string {
  const s = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < s.length; i += 76) lines.push(s.slice(i, i + 76));
  return lines.join(CRLF);
}

/**
 * A boundary that cannot occur in base64 or 7bit text we emit (contains `=_`, RFC 2046 §5.1.1),
 * derived from the octets it encloses: the same content gets the same boundary in every run (no
 * clock, no counter), and a nested multipart's boundary differs from its parent's, whose content
 * holds it.
 */
export function makeBoundary(seed: string, content: readonly (Uint8Array | string)[]): string {
  // two FNV-1a 32-bit hashes (different offset bases) over the octets: 64 bits, no crypto needed
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (const c of content) {
    const bytes = typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
    for (let i = 0; i < bytes.length; i++) {
      a = Math.imul(a ^ bytes[i], 0x01000193) >>> 0;
      b = Math.imul(b ^ bytes[i], 0x01000193) >>> 0;
    }
  }
  return `=_mmscert_${seed}${a.toString(36)}${b.toString(36)}`;
}

/**
 * Serialises a MIME entity: its header fields (the MIME ones generated from the entity's
 * fields, any others copied), an empty line and the body. Multipart entities get a
 * boundary (from params or a fresh one); leaves that are not 7bit-safe are base64-encoded, and
 * so is a top-level 7bit body without a final line break when the transport is SMTP.
 * `withHeaders: false` writes only the body (for HTTP where the caller owns the header).
 * `eightBitText` (8-bit clean transports such as HTTP) writes non-ASCII UTF-8 text parts
 * as 8bit (or binary when a line exceeds 998 octets) instead of base64; SMTP without
 * 8BITMIME (RFC 6152) / BINARYMIME (RFC 3030) must not use it.
 */
export function buildMime(
  entity: MimeEntity,
  opts: { withHeaders?: boolean; eightBitText?: boolean } = {},
): Uint8Array {
  return Buffer.concat(render(entity, opts.withHeaders ?? true, 0, opts.eightBitText ?? false));
}

const TEXTUAL = /^(text\/|application\/(smil|xml|soap\+xml)$|.*\+xml$)/;

/**
 * How UTF-8 text travels on an 8-bit clean transport: '8bit' when no NUL and lines of at
 * most 998 octets (RFC 2045 §2.8), 'binary' when only the line length is exceeded (§2.9),
 * null when it is not NUL-free UTF-8 at all.
 */
function textTransfer(b: Uint8Array): '8bit' | 'binary' | null {
  let line = 0;
  let long = false;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0) return null;
    if (c === 0x0a) line = 0;
    else if (++line > 998) long = true;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return long ? 'binary' : '8bit';
  } catch {
    return null;
  }
}

/**
 * SMTP ends DATA with CRLF "." CRLF (RFC 5321 §4.1.1.4), so a top-level 7bit body without a
 * final line break gains one in transit. Such a body goes as base64, which carries its exact
 * octets. (Inside a multipart the CRLF before a delimiter belongs to the delimiter, RFC 2046
 * §5.1.1, so parts keep their octets as they are.)
 */
function lacksFinalLineBreak(b: Uint8Array): boolean {
  return b.length > 0 && !(b.length >= 2 && b[b.length - 2] === 0x0d && b[b.length - 1] === 0x0a);
}

function render(e: MimeEntity, withHeaders: boolean, depth: number, eightBitText: boolean): Buffer[] {
  if (depth > 16) throw new EncodeError(-1, 'multipart', 'nested deeper than 16');
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i.test(e.contentType)) {
    throw new EncodeError(-1, 'Content-Type', `not a media type: ${JSON.stringify(e.contentType)}`);
  }
  const out: Buffer[] = [];
  const params = { ...e.params };
  let bodyChunks: Buffer[];
  let cte: string | undefined;
  if (e.parts) {
    if (!e.contentType.startsWith('multipart/'))
      throw new EncodeError(-1, 'Content-Type', 'parts need a multipart type');
    if (!withHeaders && !params.boundary) {
      throw new EncodeError(-1, 'boundary', 'a multipart body written without headers needs params.boundary');
    }
    const rendered = e.parts.map((p) => render(p, true, depth + 1, eightBitText));
    const boundary = params.boundary ?? makeBoundary('', rendered.flat());
    if (!/^[0-9A-Za-z'()+_,\-./:=? ]{1,70}$/.test(boundary) || boundary.endsWith(' ')) {
      throw new EncodeError(-1, 'boundary', 'RFC 2046 §5.1.1: 1-70 bchars, not ending in space');
    }
    params.boundary = boundary;
    bodyChunks = [];
    for (const part of rendered) {
      bodyChunks.push(Buffer.from(`--${boundary}${CRLF}`));
      bodyChunks.push(...part);
      bodyChunks.push(Buffer.from(CRLF));
    }
    bodyChunks.push(Buffer.from(`--${boundary}--${CRLF}`));
  } else if (is7bit(e.body) && !(depth === 0 && !eightBitText && lacksFinalLineBreak(e.body))) {
    bodyChunks = [Buffer.from(e.body.buffer, e.body.byteOffset, e.body.byteLength)];
  } else if (eightBitText && TEXTUAL.test(e.contentType) && textTransfer(e.body)) {
    // 8-bit clean transports (HTTP for MM7) carry UTF-8 text as it is.
    cte = textTransfer(e.body) ?? '8bit';
    bodyChunks = [Buffer.from(e.body.buffer, e.body.byteOffset, e.body.byteLength)];
  } else {
    cte = 'base64';
    bodyChunks = [Buffer.from(base64Lines(e.body))];
  }
  if (withHeaders) {
    let head = '';
    for (const h of e.headers) if (!OWN.has(h.name.toLowerCase())) head += `${h.name}: ${h.value}${CRLF}`;
    head += `Content-Type: ${formatContentType(e.contentType, params)}${CRLF}`;
    if (cte) head += `Content-Transfer-Encoding: ${cte}${CRLF}`;
    if (e.contentId !== undefined) head += `Content-ID: <${e.contentId}>${CRLF}`;
    if (e.contentLocation !== undefined) head += `Content-Location: ${e.contentLocation}${CRLF}`;
    out.push(Buffer.from(`${head}${CRLF}`, 'utf8'));
  }
  out.push(...bodyChunks);
  return out;
}
