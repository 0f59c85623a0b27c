/**
 * Deterministic sample media of the formats OMA-TS-MMS_CONF-V1_3 names for its content classes
 * (§ "Content classes" / "Media types and formats"): small but structurally valid files
 * (a decoder finds a real image, audio track or movie header), grown to an exact size with the
 * format's own padding (JPEG COM segments, GIF comment extensions, PNG tEXt chunks, AMR NO_DATA
 * frames, an ISO BMFF `free` box, WBMP rows), so content-class size cases need no files copied
 * into the repository. Pure: the same kind and size give the same bytes.
 */

import { crc32 } from '../../util/crc32.ts';

export type SampleMediaKind =
  | 'jpeg'
  | 'gif'
  | 'png'
  | 'wbmp'
  | 'amr'
  | '3gp'
  | 'smil'
  | 'vcard'
  | 'vcalendar'
  | 'text';

interface MediaRow {
  contentType: string;
  /** The file at `size` octets (its smallest form when the size is below it). */
  build(size: number): Uint8Array;
}

const ascii = (s: string) => new TextEncoder().encode(s);

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
}

/** Printable, deterministic filler text (also valid in every ASCII-compatible charset). */
function fillerText(n: number, seed = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = 0x61 + ((i * 7 + seed) % 26);
  return out;
}

const be16 = (n: number) => new Uint8Array([(n >> 8) & 0xff, n & 0xff]);
const be32 = (n: number) =>
  new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);

/** Splits `fill` octets over segments of `overhead` + payload (payload at most `max`); none of 1..overhead-1 left. */
function segmentSizes(fill: number, overhead: number, max: number): number[] {
  const out: number[] = [];
  let left = fill;
  while (left > 0) {
    let take = Math.min(left, overhead + max);
    // never leave a remainder too small for a segment of its own
    if (left - take > 0 && left - take < overhead) take -= overhead;
    out.push(Math.max(take, overhead));
    left -= Math.max(take, overhead);
  }
  return out;
}

// ---------------------------------------------------------------- JPEG (ITU-T T.81, JFIF 1.02)

/** An 8x8 grey baseline JPEG: one DC-only block (both Huffman tables one 1-bit code). */
function jpeg(size: number): Uint8Array {
  const seg = (marker: number, body: Uint8Array) =>
    concat([new Uint8Array([0xff, marker]), be16(body.byteLength + 2), body]);
  const app0 = seg(0xe0, new Uint8Array([0x4a, 0x46, 0x49, 0x46, 0x00, 1, 2, 0, 0, 1, 0, 1, 0, 0]));
  const dqt = seg(0xdb, new Uint8Array([0x00, ...new Array<number>(64).fill(1)]));
  const sof0 = seg(0xc0, new Uint8Array([8, 0, 8, 0, 8, 1, 1, 0x11, 0]));
  // DC table 0: one code of length 1 -> category 0; AC table 0: one code of length 1 -> EOB (0x00)
  const table = (cls: number) => new Uint8Array([cls, 1, ...new Array<number>(15).fill(0), 0x00]);
  const dht = concat([seg(0xc4, table(0x00)), seg(0xc4, table(0x10))]);
  const sos = seg(0xda, new Uint8Array([1, 1, 0x00, 0, 63, 0]));
  // DC code '0' (diff 0), AC code '0' (EOB), padded with 1 bits (T.81 F.1.2.3)
  const scan = new Uint8Array([0x3f]);
  const head = concat([new Uint8Array([0xff, 0xd8]), app0]);
  const tail = concat([dqt, sof0, dht, sos, scan, new Uint8Array([0xff, 0xd9])]);
  const fill = Math.max(0, size - head.byteLength - tail.byteLength);
  const coms = segmentSizes(fill, 4, 65533).map((n, i) => seg(0xfe, fillerText(n - 4, i)));
  return concat([head, ...coms, tail]);
}

// ---------------------------------------------------------------- GIF89a

/** A 1x1 GIF89a (two-colour global table), padded with comment extensions. */
function gif(size: number): Uint8Array {
  const head = concat([
    ascii('GIF89a'),
    new Uint8Array([1, 0, 1, 0, 0x80, 0, 0]),
    new Uint8Array([0, 0, 0, 255, 255, 255]),
  ]);
  // image descriptor 1x1, LZW minimum code size 2, one data sub-block: clear, 0, end
  const image = new Uint8Array([0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0x02, 0x02, 0x44, 0x01, 0x00]);
  const trailer = new Uint8Array([0x3b]);
  const fill = size - head.byteLength - image.byteLength - trailer.byteLength;
  const exts: Uint8Array[] = [];
  if (fill >= 3) {
    // one comment extension: 21 FE, data sub-blocks (length octet + 1..255 octets), 00
    const blocks: Uint8Array[] = [];
    const block = (len: number) => concat([new Uint8Array([len]), fillerText(len, blocks.length)]);
    let r = fill - 3;
    while (r >= 258) {
      blocks.push(block(255));
      r -= 256;
    }
    if (r === 257) blocks.push(block(128), block(127));
    else if (r >= 2) blocks.push(block(r - 1));
    else if (r === 1) blocks.push(block(1)); // one octet over: no block is one octet long
    exts.push(concat([new Uint8Array([0x21, 0xfe]), ...blocks, new Uint8Array([0])]));
  }
  return concat([head, ...exts, image, trailer]);
}

// ---------------------------------------------------------------- PNG (ISO/IEC 15948)

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const td = concat([ascii(type), data]);
  return concat([be32(data.byteLength), td, be32(crc32(td))]);
}

/** A 1x1 8-bit greyscale PNG (IDAT: a stored deflate block), padded with tEXt chunks. */
function png(size: number): Uint8Array {
  const sig = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = pngChunk('IHDR', concat([be32(1), be32(1), new Uint8Array([8, 0, 0, 0, 0])]));
  // zlib (RFC 1950) 78 01, one stored block (RFC 1951 §3.2.4) of filter 0 + pixel 0x80, Adler-32
  const raw = new Uint8Array([0x00, 0x80]);
  // Adler-32 of [0x00, 0x80]: a = 1 + 0x00 + 0x80, b = (1 + 0x00) + (1 + 0x00 + 0x80)
  const adler = 0x81 + (0x82 << 16);
  const idat = pngChunk(
    'IDAT',
    concat([new Uint8Array([0x78, 0x01, 0x01, 0x02, 0x00, 0xfd, 0xff]), raw, be32(adler >>> 0)]),
  );
  const iend = pngChunk('IEND', new Uint8Array(0));
  const fixed = sig.byteLength + ihdr.byteLength + idat.byteLength + iend.byteLength;
  // tEXt: keyword "Comment", NUL, text: 12 + 8 + n octets
  const texts = segmentSizes(Math.max(0, size - fixed), 20, 1 << 20).map((n, i) =>
    pngChunk('tEXt', concat([ascii('Comment\0'), fillerText(n - 20, i)])),
  );
  return concat([sig, ihdr, ...texts, idat, iend]);
}

// ---------------------------------------------------------------- WBMP (WAP-237 WAE Media Types §6: type 0)

function uintvar(n: number): Uint8Array {
  const out = [n & 0x7f];
  let v = Math.floor(n / 128);
  while (v > 0) {
    out.unshift((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  return new Uint8Array(out);
}

/**
 * A type 0 WBMP 8 pixels wide with one octet a row, a checkerboard, as many rows as fit the size
 * (one octet short when the row count's uintvar grows a byte at the boundary).
 */
function wbmp(size: number): Uint8Array {
  const head = (rows: number) => concat([new Uint8Array([0, 0]), uintvar(8), uintvar(rows)]);
  let rows = Math.max(1, size - 4);
  while (rows > 1 && head(rows).byteLength + rows > size) rows -= 1;
  const body = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) body[i] = i % 2 ? 0xaa : 0x55;
  return concat([head(rows), body]);
}

// ---------------------------------------------------------------- AMR-NB (RFC 4867 §5 storage format)

/** "#!AMR\n", 12.2 kbit/s frames (32 octets each), the rest NO_DATA frames (1 octet). */
function amr(size: number): Uint8Array {
  const magic = ascii('#!AMR\n');
  const body = Math.max(0, size - magic.byteLength);
  const frames = Math.floor(body / 32);
  const out = new Uint8Array(magic.byteLength + body);
  out.set(magic, 0);
  let off = magic.byteLength;
  for (let f = 0; f < frames; f++) {
    out[off] = 0x3c; // FT 7 (12.2), Q 1
    for (let i = 1; i < 32; i++) out[off + i] = (f * 31 + i * 13) & 0xff;
    off += 32;
  }
  for (; off < out.byteLength; off++) out[off] = 0x7c; // FT 15 NO_DATA, Q 1
  return out;
}

// ---------------------------------------------------------------- 3GPP file format (3GPP TS 26.244, ISO BMFF)

function box(type: string, body: Uint8Array): Uint8Array {
  return concat([be32(body.byteLength + 8), ascii(type), body]);
}

/** ftyp 3gp4, moov with an mvhd (1 s at 1000 units), mdat grown to the size. */
function threeGp(size: number): Uint8Array {
  const ftyp = box('ftyp', concat([ascii('3gp4'), be32(0x200), ascii('3gp43gp5isom')]));
  const mvhd = new Uint8Array(100);
  mvhd.set(be32(1000), 12); // timescale
  mvhd.set(be32(1000), 16); // duration
  mvhd.set(be32(0x00010000), 20); // rate 1.0
  mvhd.set(be16(0x0100), 24); // volume 1.0
  for (const [i, v] of [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000].entries())
    mvhd.set(be32(v), 36 + i * 4);
  mvhd.set(be32(2), 96); // next track id
  const moov = box('moov', box('mvhd', mvhd));
  const fixed = ftyp.byteLength + moov.byteLength + 8;
  const payload = Math.max(0, size - fixed);
  const data = new Uint8Array(payload);
  for (let i = 0; i < payload; i++) data[i] = (i * 131 + 7) & 0xff;
  return concat([ftyp, moov, box('mdat', data)]);
}

// ---------------------------------------------------------------- text formats

/** `doc` with `marker` replaced by `wrap(k)` (`overhead` + k octets) so the whole is `size` octets when it can be. */
function padded(
  doc: string,
  marker: string,
  size: number,
  overhead: number,
  wrap: (k: number) => string,
): Uint8Array {
  const base = doc.replace(marker, '');
  const pad = size - ascii(base).byteLength;
  return ascii(pad < overhead ? base : doc.replace(marker, wrap(pad - overhead)));
}

/** SMIL 2.0 of the MMS profile (OMA-TS-MMS_CONF: a layout of two regions, one par a slide). */
function smil(size: number): Uint8Array {
  const doc =
    '<smil xmlns="http://www.w3.org/2001/SMIL20/Language"><head><layout>' +
    '<root-layout width="176" height="144"/><region id="Image" top="0" left="0" height="80%" width="100%"/>' +
    '<region id="Text" top="80%" left="0" height="20%" width="100%"/></layout></head><body>' +
    '<par dur="5s"><img src="cid:image" region="Image"/><text src="cid:text" region="Text"/></par>' +
    '@PAD@</body></smil>';
  return padded(doc, '@PAD@', size, 7, (k) => `<!--${'m'.repeat(k)}-->`);
}

/** vCard 2.1 (the version OMA-TS-MMS_CONF names), padded with an X- property line. */
function vcard(size: number): Uint8Array {
  const doc =
    'BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;Jane\r\nFN:Jane Doe\r\nTEL;CELL:+15550000123\r\n@PAD@END:VCARD\r\n';
  return padded(doc, '@PAD@', size, 8, (k) => `X-PAD:${'p'.repeat(k)}\r\n`);
}

/** vCalendar 1.0 with one event, padded with an X- property line. */
function vcalendar(size: number): Uint8Array {
  const doc =
    'BEGIN:VCALENDAR\r\nVERSION:1.0\r\nBEGIN:VEVENT\r\nDTSTART:20261207T100000Z\r\nDTEND:20261207T110000Z\r\n' +
    'SUMMARY:Interop test\r\n@PAD@END:VEVENT\r\nEND:VCALENDAR\r\n';
  return padded(doc, '@PAD@', size, 8, (k) => `X-PAD:${'p'.repeat(k)}\r\n`);
}

export const SAMPLE_MEDIA: Readonly<Record<SampleMediaKind, MediaRow>> = {
  jpeg: { contentType: 'image/jpeg', build: jpeg },
  gif: { contentType: 'image/gif', build: gif },
  png: { contentType: 'image/png', build: png },
  wbmp: { contentType: 'image/vnd.wap.wbmp', build: wbmp },
  amr: { contentType: 'audio/amr', build: amr },
  '3gp': { contentType: 'video/3gpp', build: threeGp },
  smil: { contentType: 'application/smil', build: smil },
  vcard: { contentType: 'text/x-vcard', build: vcard },
  vcalendar: { contentType: 'text/x-vcalendar', build: vcalendar },
  text: { contentType: 'text/plain', build: (n) => fillerText(n) },
};

export const SAMPLE_MEDIA_KINDS = Object.keys(SAMPLE_MEDIA) as SampleMediaKind[];

export function isSampleMediaKind(v: unknown): v is SampleMediaKind {
  return typeof v === 'string' && Object.hasOwn(SAMPLE_MEDIA, v);
}

/**
 * A sample file of `kind`, `size` octets long (0 or absent: its smallest form). A size below the
 * format's smallest file gives that smallest file; a size the padding cannot reach exactly
 * (1 to 3 octets above the smallest JPEG, GIF or PNG) gives up to 19 octets more.
 */
export function sampleMedia(kind: SampleMediaKind, size = 0): Uint8Array {
  if (!Number.isInteger(size) || size < 0 || size > 16 * 1024 * 1024)
    throw new RangeError(`sample media size ${size}: 0..16 MiB`);
  return SAMPLE_MEDIA[kind].build(size);
}
