/**
 * PCAPNG (draft-ietf-opsawg-pcapng) writer, little-endian: one Section Header Block, one
 * Interface Description Block (LINKTYPE_ETHERNET = 1 unless told otherwise, with if_tsresol), then one Enhanced
 * Packet Block per frame with an optional opt_comment. Every block body and option value is
 * padded to 32 bits and the block total length appears at both ends (§3.1).
 */

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const LINKTYPE_ETHERNET = 1;
const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_TSRESOL = 9;

export type TsResolution = 'us' | 'ns';

export interface PcapngWriterOptions {
  tsresol?: TsResolution;
  /** Shown as the section comment (shb_comment). */
  title?: string;
  /** Interface name (if_name). */
  ifName?: string;
  /** The interface's link type (a LINKTYPE_* value); Ethernet (1) by default. */
  linkType?: number;
}

const enc = new TextEncoder();
/** Pages grow from FIRST_PAGE to PAGE octets: a small capture does not zero-fill a whole megabyte. */
const FIRST_PAGE = 1 << 14;
const PAGE = 1 << 20;
const pad4 = (n: number) => (n + 3) & ~3;

interface Opt {
  code: number;
  value: Uint8Array;
}

function optionsLength(opts: readonly Opt[]): number {
  if (opts.length === 0) return 0;
  let n = 4; // opt_endofopt
  for (const o of opts) n += 4 + pad4(o.value.length);
  return n;
}

function writeOptions(dv: DataView, buf: Uint8Array, at: number, opts: readonly Opt[]): number {
  if (opts.length === 0) return at;
  for (const o of opts) {
    dv.setUint16(at, o.code, true);
    dv.setUint16(at + 2, o.value.length, true);
    buf.set(o.value, at + 4);
    at += 4 + pad4(o.value.length);
  }
  dv.setUint16(at, OPT_ENDOFOPT, true);
  dv.setUint16(at + 2, 0, true);
  return at + 4;
}

/** Largest option value (option length is 16 bits). */
const MAX_OPT = 0xffff;

function textOpt(code: number, text: string): Opt {
  let value = enc.encode(text);
  if (value.length > MAX_OPT) value = value.subarray(0, MAX_OPT);
  return { code, value };
}

/**
 * Accumulates blocks; `bytes()` returns the file so far. Timestamps are nanoseconds since the
 * Unix epoch (bigint), converted to the interface's resolution.
 */
export class PcapngWriter {
  readonly tsresol: TsResolution;
  /** Filled pages, then the current one (written in place: no per-packet allocation). */
  private readonly pages: Uint8Array[] = [];
  private page = new Uint8Array(FIRST_PAGE);
  private pageView = new DataView(this.page.buffer);
  private used = 0;
  private size = 0;
  private packets = 0;
  private readonly commentCache = new Map<string, Opt>();

  constructor(opts: PcapngWriterOptions = {}) {
    this.tsresol = opts.tsresol ?? 'us';
    const shbOpts: Opt[] = [];
    if (opts.title) shbOpts.push(textOpt(OPT_COMMENT, opts.title));
    shbOpts.push(textOpt(SHB_USERAPPL, 'mmscert'));
    this.block(SHB, 16, shbOpts, (dv, _buf, at) => {
      dv.setUint32(at, BYTE_ORDER_MAGIC, true);
      dv.setUint16(at + 4, 1, true); // major
      dv.setUint16(at + 6, 0, true); // minor
      dv.setInt32(at + 8, -1, true); // section length unknown (-1, 64 bits)
      dv.setInt32(at + 12, -1, true);
    });
    const idbOpts: Opt[] = [
      textOpt(IF_NAME, opts.ifName ?? 'mmscert'),
      // if_tsresol: power of ten exponent, 6 = microseconds, 9 = nanoseconds
      { code: IF_TSRESOL, value: new Uint8Array([this.tsresol === 'ns' ? 9 : 6]) },
    ];
    this.block(IDB, 8, idbOpts, (dv, _buf, at) => {
      dv.setUint16(at, opts.linkType ?? LINKTYPE_ETHERNET, true);
      dv.setUint16(at + 2, 0, true);
      dv.setUint32(at + 4, 0, true); // snaplen 0: no limit
    });
  }

  private reserve(n: number): number {
    if (this.used + n > this.page.length) {
      if (this.used > 0) this.pages.push(this.page.subarray(0, this.used));
      this.page = new Uint8Array(Math.max(Math.min(PAGE, this.page.length * 4), n));
      this.pageView = new DataView(this.page.buffer);
      this.used = 0;
    }
    const at = this.used;
    this.used += n;
    this.size += n;
    return at;
  }

  private block(
    type: number,
    fixed: number,
    opts: readonly Opt[],
    fill: (dv: DataView, buf: Uint8Array, at: number) => void,
  ): void {
    const total = 12 + fixed + optionsLength(opts);
    const o = this.reserve(total);
    const buf = this.page;
    const dv = this.pageView;
    // pages are fresh (zero-filled) and each octet is reserved once: padding stays zero
    dv.setUint32(o, type, true);
    dv.setUint32(o + 4, total, true);
    fill(dv, buf, o + 8);
    writeOptions(dv, buf, o + 8 + fixed, opts);
    dv.setUint32(o + total - 4, total, true);
  }

  /** Appends one frame (of the interface's link type) captured at `tsNs` (ns since the epoch). */
  packet(tsNs: bigint, frame: Uint8Array, comment?: string): void {
    this.packetWith(tsNs, frame.length, (buf, _dv, at) => buf.set(frame, at), comment);
  }

  /**
   * Appends a frame of `length` octets that `write` fills in place at `at` (`dv` views the
   * same memory from offset 0). Saves a copy per packet for the builder.
   */
  packetWith(
    tsNs: bigint,
    length: number,
    write: (buf: Uint8Array, dv: DataView, at: number) => void,
    comment?: string,
  ): void {
    const frame = { length };
    const ts = this.tsresol === 'ns' ? tsNs : tsNs / 1000n;
    const hi = Number((ts >> 32n) & 0xffffffffn);
    const lo = Number(ts & 0xffffffffn);
    let opts: Opt[] = [];
    if (comment) {
      let o = this.commentCache.get(comment);
      if (!o) {
        o = textOpt(OPT_COMMENT, comment);
        this.commentCache.set(comment, o);
      }
      opts = [o];
    }
    this.block(EPB, 20 + pad4(frame.length), opts, (dv, buf, at) => {
      dv.setUint32(at, 0, true); // interface 0
      dv.setUint32(at + 4, hi, true);
      dv.setUint32(at + 8, lo, true);
      dv.setUint32(at + 12, frame.length, true); // captured
      dv.setUint32(at + 16, frame.length, true); // original
      write(buf, dv, at + 20);
    });
    this.packets += 1;
  }

  get packetCount(): number {
    return this.packets;
  }

  get byteLength(): number {
    return this.size;
  }

  /** The capture so far as one byte string. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const b of [...this.pages, this.page.subarray(0, this.used)]) {
      out.set(b, at);
      at += b.length;
    }
    return out;
  }
}
