import type { ByteReader, ByteWriter } from '../bytes.ts';
import { ByteReader as Reader, ByteWriter as Writer } from '../bytes.ts';
import { DecodeError, EncodeError } from '../codec-error.ts';
import { type ContentType, readContentType, writeContentType } from './content-type.ts';
import { readHeaders, type WspHeader, writeHeaders } from './headers.ts';
import { readUintvar, writeUintvar } from './uintvar.ts';

/** One entry of a WSP multipart body (WAP-230-WSP 8.5.3). `data` is a view into the input (no copy). */
export interface MultipartEntry {
  contentType: ContentType;
  headers: WspHeader[];
  data: Uint8Array;
}

/**
 * Multipart (8.5.2) = nEntries (uintvar) *Entry; Entry (8.5.3) = HeadersLen DataLen ContentType
 * Headers Data, where HeadersLen covers ContentType + Headers. Reads to the end of the reader.
 */
export function readMultipart(r: ByteReader, field = 'multipart'): MultipartEntry[] {
  const at = r.offset;
  const n = readUintvar(r, `${field}.nEntries`);
  // every entry takes at least 3 octets: refuse absurd counts before looping
  if (n * 3 > r.remaining)
    r.fail(`${field}.nEntries`, `${n} entries cannot fit in ${r.remaining} octet(s)`, at);
  const parts: MultipartEntry[] = [];
  for (let i = 0; i < n; i++) {
    const f = `${field}[${i}]`;
    const headersLen = readUintvar(r, `${f}.HeadersLen`);
    const dataLen = readUintvar(r, `${f}.DataLen`);
    const hr = r.sub(headersLen, `${f}.Headers`);
    const contentType = readContentType(hr, `${f}.Content-Type`);
    const headers = readHeaders(hr, `${f}.Headers`);
    const data = r.bytes(dataLen, `${f}.Data`);
    parts.push({ contentType, headers, data });
  }
  if (!r.atEnd()) r.fail(field, `${r.remaining} octet(s) after the last of ${n} entries`);
  return parts;
}

/**
 * readMultipart as a tolerant reader: each entry is delimited by its own HeadersLen and DataLen (8.5.3),
 * so an entry whose Content-Type or headers do not decode is left out (a defect) and the next one is
 * still found; reading stops where a length runs past the body. Never throws; defects go to `defects`.
 */
export function readMultipartLenient(r: ByteReader, field: string, defects: DecodeError[]): MultipartEntry[] {
  const parts: MultipartEntry[] = [];
  const fail = (e: unknown, at: number, f: string) =>
    defects.push(
      e instanceof DecodeError ? e : new DecodeError(at, f, e instanceof Error ? e.message : String(e)),
    );
  let n: number;
  const at = r.offset;
  try {
    n = readUintvar(r, `${field}.nEntries`);
  } catch (e) {
    fail(e, at, `${field}.nEntries`);
    return parts;
  }
  for (let i = 0; i < n; i++) {
    const f = `${field}[${i}]`;
    const start = r.offset;
    let hr: ByteReader;
    let data: Uint8Array;
    try {
      if (r.atEnd()) r.fail(`${field}.nEntries`, `${n} entries announced, the body ends after ${i}`);
      const headersLen = readUintvar(r, `${f}.HeadersLen`);
      const dataLen = readUintvar(r, `${f}.DataLen`);
      hr = r.sub(headersLen, `${f}.Headers`);
      data = r.bytes(dataLen, `${f}.Data`);
    } catch (e) {
      fail(e, start, f);
      return parts;
    }
    try {
      const contentType = readContentType(hr, `${f}.Content-Type`);
      const headers = readHeaders(hr, `${f}.Headers`);
      parts.push({ contentType, headers, data });
    } catch (e) {
      fail(e, hr.offset, f);
    }
  }
  if (!r.atEnd()) {
    defects.push(new DecodeError(r.offset, field, `${r.remaining} octet(s) after the last of ${n} entries`));
    r.offset = r.end;
  }
  return parts;
}

export function writeMultipart(w: ByteWriter, parts: MultipartEntry[], field = 'multipart'): void {
  if (!Array.isArray(parts)) throw new EncodeError(-1, field, 'parts must be an array');
  writeUintvar(w, parts.length, field);
  parts.forEach((p, i) => {
    const f = `${field}[${i}]`;
    if (!(p?.data instanceof Uint8Array)) throw new EncodeError(i, f, 'part data must be bytes');
    const hw = new Writer(64);
    writeContentType(hw, p.contentType, `${f}.Content-Type`);
    writeHeaders(hw, p.headers ?? [], `${f}.Headers`);
    const h = hw.finish();
    writeUintvar(w, h.length, f);
    writeUintvar(w, p.data.length, f);
    w.bytes(h).bytes(p.data);
  });
}

/** Convenience: decode a whole multipart byte string. */
export function decodeMultipart(buf: Uint8Array): MultipartEntry[] {
  return readMultipart(new Reader(buf));
}
