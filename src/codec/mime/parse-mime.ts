import { DecodeError } from '../codec-error.ts';
import { parseContentType } from './content-type.ts';
import { getHeader } from './get-header.ts';
import type { MimeEntity, MimeHeader } from './mime-entity.ts';

const MAX_DEPTH = 16;
const MAX_HEADERS = 1000;
const utf8 = new TextDecoder('utf-8', { fatal: false });

function view(buf: Uint8Array): Buffer {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * Reads a header block (RFC 5322 §2.2, unfolding per §2.2.3) starting at `start` and
 * ending at the first empty line. Bare LF line ends are accepted. Returns the headers and
 * the offset of the first body octet (buf.length when the block has no body).
 */
export function parseHeaderBlock(
  buf: Uint8Array,
  start = 0,
  base = 0,
): { headers: MimeHeader[]; offsets: number[]; bodyStart: number } {
  const headers: MimeHeader[] = [];
  const offsets: number[] = [];
  let pos = start;
  let cur: { name: string; value: string; at: number } | null = null;
  const flush = () => {
    if (cur) {
      headers.push({ name: cur.name, value: cur.value.trim() });
      offsets.push(base + cur.at);
    }
    cur = null;
  };
  while (pos < buf.length) {
    let eol = buf.indexOf(0x0a, pos);
    if (eol < 0) eol = buf.length;
    const lineEnd = eol > pos && buf[eol - 1] === 0x0d ? eol - 1 : eol;
    const next = Math.min(eol + 1, buf.length);
    if (lineEnd === pos) {
      flush();
      return { headers, offsets, bodyStart: next };
    }
    const line = utf8.decode(buf.subarray(pos, lineEnd));
    if (line[0] === ' ' || line[0] === '\t') {
      if (!cur) throw new DecodeError(base + pos, 'header', 'continuation line before any header field');
      (cur as { value: string }).value += ` ${line.trim()}`;
    } else {
      flush();
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon).trim() : '';
      // RFC 5322 §3.6.8: field-name = 1*ftext (printable US-ASCII except colon).
      if (!name || !/^[\x21-\x39\x3b-\x7e]+$/.test(name)) {
        throw new DecodeError(
          base + pos,
          'header',
          `not a header field: ${JSON.stringify(line.slice(0, 40))}`,
        );
      }
      if (headers.length >= MAX_HEADERS)
        throw new DecodeError(base + pos, 'header', 'too many header fields');
      cur = { name, value: line.slice(colon + 1), at: pos };
    }
    pos = next;
  }
  flush();
  return { headers, offsets, bodyStart: buf.length };
}

/**
 * Parses a MIME entity (headers, empty line, body), descending into multipart bodies
 * (RFC 2046 §5.1) and removing base64 / quoted-printable transfer encodings (RFC 2045 §6).
 * `base` is added to every offset so errors point into the caller's buffer.
 * Total: a value or one DecodeError.
 */
export function parseMime(raw: Uint8Array, base = 0): MimeEntity {
  return parseEntity(raw, base, 0);
}

/** Like parseMime, also returning the absolute offset of each top-level header field. */
export function parseMimeWithOffsets(raw: Uint8Array, base = 0): { entity: MimeEntity; offsets: number[] } {
  const offsets = parseHeaderBlock(raw, 0, base).offsets;
  return { entity: parseEntity(raw, base, 0), offsets };
}

/**
 * Parses a body whose Content-Type is known from outside (an HTTP request's header):
 * `contentType` is the full header value.
 */
export function parseMimeBody(body: Uint8Array, contentType: string, base = 0): MimeEntity {
  const ct = parseContentType(contentType);
  if (!ct) throw new DecodeError(base, 'Content-Type', `not a media type: ${JSON.stringify(contentType)}`);
  const entity: MimeEntity = {
    headers: [{ name: 'Content-Type', value: contentType }],
    contentType: ct.type,
    params: ct.params,
    body,
    offset: base,
    bodyOffset: base,
  };
  if (ct.type.startsWith('multipart/')) setParts(entity, parseMultipart(body, ct.params.boundary, base, 1));
  return entity;
}

function parseEntity(raw: Uint8Array, base: number, depth: number): MimeEntity {
  if (depth > MAX_DEPTH) throw new DecodeError(base, 'multipart', `nested deeper than ${MAX_DEPTH}`);
  const { headers, bodyStart } = parseHeaderBlock(raw, 0, base);
  const ctValue = getHeader(headers, 'Content-Type');
  let contentType = 'text/plain';
  let params: Record<string, string> = {};
  if (ctValue !== undefined) {
    const ct = parseContentType(ctValue);
    if (!ct)
      throw new DecodeError(
        base,
        'Content-Type',
        `not a media type: ${JSON.stringify(ctValue.slice(0, 60))}`,
      );
    contentType = ct.type;
    params = ct.params;
  }
  const rawBody = raw.subarray(bodyStart);
  const entity: MimeEntity = {
    headers,
    contentType,
    params,
    body: rawBody,
    offset: base,
    bodyOffset: base + bodyStart,
  };
  const cid = getHeader(headers, 'Content-ID');
  if (cid !== undefined) entity.contentId = stripBrackets(cid);
  const loc = getHeader(headers, 'Content-Location');
  if (loc !== undefined) entity.contentLocation = loc;
  if (contentType.startsWith('multipart/')) {
    setParts(entity, parseMultipart(rawBody, params.boundary, base + bodyStart, depth + 1));
  } else {
    const cte = (getHeader(headers, 'Content-Transfer-Encoding') ?? '').trim().toLowerCase();
    entity.body = decodeTransfer(rawBody, cte, base + bodyStart);
  }
  return entity;
}

export function stripBrackets(v: string): string {
  const t = v.trim();
  return t.startsWith('<') && t.endsWith('>') ? t.slice(1, -1).trim() : t;
}

function setParts(entity: MimeEntity, m: { parts: MimeEntity[]; closed: boolean }): void {
  entity.parts = m.parts;
  if (!m.closed) entity.unclosed = true;
}

/**
 * Splits a multipart body at its boundary delimiters (RFC 2046 §5.1.1). Tolerant: a body without
 * its close-delimiter still gives its parts (the last one runs to the end), `closed` says so.
 */
function parseMultipart(
  body: Uint8Array,
  boundary: string | undefined,
  base: number,
  depth: number,
): { parts: MimeEntity[]; closed: boolean } {
  if (depth > MAX_DEPTH) throw new DecodeError(base, 'multipart', `nested deeper than ${MAX_DEPTH}`);
  if (!boundary) throw new DecodeError(base, 'Content-Type', 'multipart without a boundary parameter');
  if (boundary.length > 200)
    throw new DecodeError(base, 'Content-Type', 'boundary longer than 200 characters');
  const buf = view(body);
  const delim = Buffer.from(`--${boundary}`, 'utf8');
  // Find every delimiter that starts a line; the CRLF before it belongs to the delimiter.
  const marks: Array<{ start: number; after: number; close: boolean }> = [];
  let from = 0;
  while (from <= buf.length) {
    const i = buf.indexOf(delim, from);
    if (i < 0) break;
    from = i + delim.length;
    if (i > 0 && buf[i - 1] !== 0x0a) continue;
    let j = i + delim.length;
    const close = buf[j] === 0x2d && buf[j + 1] === 0x2d;
    if (close) j += 2;
    // transport padding: linear white space before the line end (§5.1.1)
    while (j < buf.length && (buf[j] === 0x20 || buf[j] === 0x09)) j++;
    if (j < buf.length && buf[j] !== 0x0d && buf[j] !== 0x0a && !close) continue;
    if (buf[j] === 0x0d) j++;
    if (buf[j] === 0x0a) j++;
    let start = i;
    if (start > 0 && buf[start - 1] === 0x0a) start--;
    if (start > 0 && buf[start - 1] === 0x0d) start--;
    marks.push({ start, after: j, close });
    if (close) break;
  }
  if (marks.length === 0) throw new DecodeError(base, 'multipart', `boundary "${boundary}" not found`);
  const parts: MimeEntity[] = [];
  for (let k = 0; k < marks.length; k++) {
    const m = marks[k];
    if (m.close) break;
    const end = k + 1 < marks.length ? marks[k + 1].start : buf.length;
    const partBuf = body.subarray(m.after, Math.max(m.after, end));
    parts.push(parseEntity(partBuf, base + m.after, depth));
  }
  return { parts, closed: marks[marks.length - 1].close };
}

const B64 = new Int16Array(256).fill(-1);
for (let i = 0; i < 64; i++) {
  B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
}

function decodeTransfer(raw: Uint8Array, cte: string, base: number): Uint8Array {
  if (cte === 'base64') {
    // RFC 2045 §6.8: characters outside the alphabet are ignored... but anything other than
    // line breaks and white space is a sign of a damaged part, which we report.
    const out = new Uint8Array(Math.floor((raw.length * 3) / 4) + 3);
    let n = 0;
    let acc = 0;
    let bits = 0;
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i];
      if (c === 0x3d) break;
      const v = B64[c];
      if (v < 0) {
        if (c === 0x0d || c === 0x0a || c === 0x20 || c === 0x09) continue;
        throw new DecodeError(
          base + i,
          'Content-Transfer-Encoding',
          `octet 0x${c.toString(16)} in base64 content`,
        );
      }
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[n++] = (acc >> bits) & 0xff;
      }
    }
    return out.subarray(0, n);
  }
  if (cte === 'quoted-printable') {
    const out = new Uint8Array(raw.length);
    let n = 0;
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i];
      if (c !== 0x3d) {
        out[n++] = c;
        continue;
      }
      const h = hex(raw[i + 1]);
      const l = hex(raw[i + 2]);
      if (h >= 0 && l >= 0) {
        out[n++] = (h << 4) | l;
        i += 2;
      } else if (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) i += 2;
      else if (raw[i + 1] === 0x0a) i += 1;
      else out[n++] = c; // §6.7 note 1: keep a malformed `=` as it is
    }
    return out.subarray(0, n);
  }
  return raw;
}

function hex(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}
