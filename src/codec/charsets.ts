import iconv from 'iconv-lite';

/**
 * Character sets by IANA MIBenum, as carried in WSP Well-known-charset values
 * (WAP-230-WSP 8.4.2.8, Table 42) and MMS Encoded-string-value (OMA-TS-MMS_ENC 7.2.9).
 * `name` is the IANA preferred name in lower case; `iconv` the codec iconv-lite uses.
 */
interface CharsetRow {
  mib: number;
  name: string;
  iconv: string;
}

const CHARSETS: readonly CharsetRow[] = [
  { mib: 3, name: 'us-ascii', iconv: 'ascii' },
  { mib: 4, name: 'iso-8859-1', iconv: 'latin1' },
  { mib: 5, name: 'iso-8859-2', iconv: 'iso-8859-2' },
  { mib: 6, name: 'iso-8859-3', iconv: 'iso-8859-3' },
  { mib: 7, name: 'iso-8859-4', iconv: 'iso-8859-4' },
  { mib: 8, name: 'iso-8859-5', iconv: 'iso-8859-5' },
  { mib: 9, name: 'iso-8859-6', iconv: 'iso-8859-6' },
  { mib: 10, name: 'iso-8859-7', iconv: 'iso-8859-7' },
  { mib: 11, name: 'iso-8859-8', iconv: 'iso-8859-8' },
  { mib: 12, name: 'iso-8859-9', iconv: 'iso-8859-9' },
  { mib: 13, name: 'iso-8859-10', iconv: 'iso-8859-10' },
  { mib: 17, name: 'shift_jis', iconv: 'shift_jis' },
  { mib: 106, name: 'utf-8', iconv: 'utf8' },
  { mib: 109, name: 'iso-8859-13', iconv: 'iso-8859-13' },
  { mib: 110, name: 'iso-8859-14', iconv: 'iso-8859-14' },
  { mib: 111, name: 'iso-8859-15', iconv: 'iso-8859-15' },
  { mib: 1000, name: 'iso-10646-ucs-2', iconv: 'utf-16be' },
  { mib: 1013, name: 'utf-16be', iconv: 'utf-16be' },
  { mib: 1014, name: 'utf-16le', iconv: 'utf-16le' },
  { mib: 1015, name: 'utf-16', iconv: 'utf-16be' },
  { mib: 2025, name: 'gb2312', iconv: 'gb2312' },
  { mib: 2026, name: 'big5', iconv: 'big5' },
  { mib: 2084, name: 'koi8-r', iconv: 'koi8-r' },
  { mib: 2252, name: 'windows-1252', iconv: 'win1252' },
];

const BY_MIB = new Map(CHARSETS.map((c) => [c.mib, c]));
const BY_NAME = new Map(CHARSETS.map((c) => [c.name, c]));
for (const [alias, mib] of [
  ['ascii', 3],
  ['utf8', 106],
  ['latin1', 4],
  ['ucs-2', 1000],
  ['iso-8859-16', 112],
] as const) {
  const row = BY_MIB.get(mib);
  if (row) BY_NAME.set(alias, row);
}

/** The IANA name of a MIBenum, or undefined when this table does not know it. */
export function charsetName(mib: number): string | undefined {
  return BY_MIB.get(mib)?.name;
}

/** The MIBenum of a charset name (case-insensitive), or undefined. */
export function charsetMib(name: string): number | undefined {
  return BY_NAME.get(name.toLowerCase())?.mib;
}

/** True when `decodeCharset` / `encodeCharset` can convert this MIBenum. */
export function isSupportedCharset(mib: number): boolean {
  return BY_MIB.has(mib);
}

let utf8Fatal: { decode(b: Uint8Array): string } | undefined;

/** Bytes of a text in charset `mib` → string. UTF-16 honours a BOM (RFC 2781 §4.3: big-endian without one). */
export function decodeCharset(bytes: Uint8Array, mib: number): string {
  if (mib === 3 || mib === 106) {
    if (isAscii(bytes)) return latin1(bytes);
    if (mib === 106) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  }
  if (mib === 4) return latin1(bytes);
  const row = BY_MIB.get(mib);
  if (!row) return latin1(bytes);
  let enc = row.iconv;
  let body = bytes;
  if (mib === 1015 && bytes.length >= 2) {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) {
      enc = 'utf-16le';
      body = bytes.subarray(2);
    } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
      body = bytes.subarray(2);
    }
  }
  return iconv.decode(Buffer.from(body.buffer, body.byteOffset, body.byteLength), enc, { stripBOM: false });
}

/** String → bytes in charset `mib` (UTF-16 1015 is written big-endian with a BOM, as handsets do). */
export function encodeCharset(text: string, mib: number): Uint8Array {
  if (mib === 106) return new Uint8Array(Buffer.from(text, 'utf8'));
  if (mib === 4 || mib === 3) return new Uint8Array(Buffer.from(text, 'latin1'));
  const row = BY_MIB.get(mib);
  if (!row) return new Uint8Array(Buffer.from(text, 'latin1'));
  const body = iconv.encode(text, row.iconv, { addBOM: false });
  if (mib === 1015) {
    const out = new Uint8Array(body.length + 2);
    out[0] = 0xfe;
    out[1] = 0xff;
    out.set(body, 2);
    return out;
  }
  return new Uint8Array(body);
}

export function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) return false;
  return true;
}

// Node's native latin1 slicer works on any Uint8Array and is the cheapest way to make a short string.
const latin1Slice = (
  Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, s: number, e: number): string }
).latin1Slice;

/** Octets 0..255 → the same code points (lossless). */
export function latin1(bytes: Uint8Array): string {
  return latin1Range(bytes, 0, bytes.length);
}

/** latin1() of buf[start..end) without making a view of it first (decoders' hot path). */
export function latin1Range(buf: Uint8Array, start: number, end: number): string {
  // the native slicer costs about as much as five one-character appends, whatever the length
  if (end - start <= 5) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
    return s;
  }
  return latin1Slice.call(buf, start, end);
}

const NON_ASCII = /[\x80-\xff]/;

/**
 * Bytes of untagged header text → string: UTF-8 when the octets are valid UTF-8 (what handsets
 * send), otherwise ISO-8859-1. Re-encoding the result as UTF-8 decodes to the same string.
 */
export function decodeUntaggedText(bytes: Uint8Array): string {
  const s = latin1(bytes);
  if (!NON_ASCII.test(s)) return s;
  utf8Fatal ??= new TextDecoder('utf-8', { fatal: true });
  try {
    return utf8Fatal.decode(bytes);
  } catch {
    return s;
  }
}

/** String → UTF-8 octets (the encoding of untagged text). */
export function encodeUntaggedText(text: string): Uint8Array {
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }
  return new Uint8Array(Buffer.from(text, 'utf8'));
}
