import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SAMPLE_MEDIA_KINDS, sampleMedia } from './sample-media.ts';

const hex = (b: Uint8Array, from: number, to: number) => Buffer.from(b.subarray(from, to)).toString('hex');
const be32 = (b: Uint8Array, off: number) => Buffer.from(b).readUInt32BE(off);

/** JPEG markers in order, walking the segment lengths (T.81 B.1.1.4) up to SOS. */
function jpegMarkers(b: Uint8Array): number[] {
  const out: number[] = [];
  let off = 2;
  while (off < b.byteLength) {
    expect(b[off]).toBe(0xff);
    const m = b[off + 1];
    out.push(m);
    if (m === 0xda) break;
    off += 2 + ((b[off + 2] << 8) | b[off + 3]);
  }
  return out;
}

describe('sample media', () => {
  it('is deterministic and exact to the octet across sizes (±0 but the few unreachable sizes)', () => {
    for (const kind of SAMPLE_MEDIA_KINDS) {
      const min = sampleMedia(kind).byteLength;
      expect(Buffer.compare(sampleMedia(kind, 5000), sampleMedia(kind, 5000))).toBe(0);
      for (const size of [min + 20, 1000, 30 * 1024 - 7, 100 * 1024]) {
        const got = sampleMedia(kind, size).byteLength;
        // WBMP's row count may fall one octet short where its uintvar grows
        expect(Math.abs(got - size), `${kind} ${size}`).toBeLessThanOrEqual(kind === 'wbmp' ? 1 : 0);
      }
    }
  });

  it('JPEG: SOI, JFIF, COM padding, DQT, SOF0 8x8, two DHT, SOS, EOI', () => {
    const b = sampleMedia('jpeg', 70_000);
    expect(hex(b, 0, 2)).toBe('ffd8');
    expect(hex(b, b.byteLength - 2, b.byteLength)).toBe('ffd9');
    const markers = jpegMarkers(b);
    expect(markers[0]).toBe(0xe0);
    expect(markers.filter((m) => m === 0xfe).length).toBe(2); // 70 000 needs two COM segments
    expect(markers.slice(-5)).toEqual([0xdb, 0xc0, 0xc4, 0xc4, 0xda]);
  });

  it('GIF89a: header, one comment extension of sub-blocks, a 1x1 image, trailer', () => {
    const b = sampleMedia('gif', 2000);
    expect(Buffer.from(b.subarray(0, 6)).toString()).toBe('GIF89a');
    expect(hex(b, 13, 19)).toBe('000000ffffff');
    expect(hex(b, 19, 21)).toBe('21fe');
    let off = 21;
    while (b[off] !== 0) off += b[off] + 1;
    expect(b[off + 1]).toBe(0x2c);
    expect(b[b.byteLength - 1]).toBe(0x3b);
  });

  it('PNG: every chunk CRC right and the IDAT inflates to one filtered grey pixel', () => {
    const b = sampleMedia('png', 4000);
    expect(hex(b, 0, 8)).toBe('89504e470d0a1a0a');
    const types: string[] = [];
    let off = 8;
    let idat: Buffer | undefined;
    while (off < b.byteLength) {
      const len = be32(b, off);
      const type = Buffer.from(b.subarray(off + 4, off + 8)).toString();
      types.push(type);
      if (type === 'IDAT') idat = Buffer.from(b.subarray(off + 8, off + 8 + len));
      off += 12 + len;
    }
    expect(types).toEqual(['IHDR', 'tEXt', 'IDAT', 'IEND']);
    expect([...inflateSync(idat as Buffer)]).toEqual([0, 0x80]);
  });

  it('WBMP type 0, AMR storage magic and frame headers, 3GP ftyp/moov/mdat boxes', () => {
    const w = sampleMedia('wbmp', 200);
    expect(hex(w, 0, 3)).toBe('000008');
    const amr = sampleMedia('amr', 6 + 32 * 3 + 2);
    expect(Buffer.from(amr.subarray(0, 6)).toString()).toBe('#!AMR\n');
    expect([amr[6], amr[38], amr[70], amr[102], amr[103]]).toEqual([0x3c, 0x3c, 0x3c, 0x7c, 0x7c]);
    const v = sampleMedia('3gp', 10_000);
    const boxes: string[] = [];
    for (let off = 0; off < v.byteLength; off += be32(v, off))
      boxes.push(Buffer.from(v.subarray(off + 4, off + 8)).toString());
    expect(boxes).toEqual(['ftyp', 'moov', 'mdat']);
    expect(Buffer.from(v.subarray(8, 12)).toString()).toBe('3gp4');
  });

  it('SMIL, vCard 2.1 and vCalendar 1.0 stay well-formed when padded', () => {
    const s = Buffer.from(sampleMedia('smil', 3000)).toString();
    expect(s).toMatch(/^<smil [\s\S]*<!--m+--><\/body><\/smil>$/);
    expect(Buffer.from(sampleMedia('vcard', 500)).toString()).toMatch(
      /^BEGIN:VCARD\r\nVERSION:2\.1\r\n[\s\S]*X-PAD:p+\r\nEND:VCARD\r\n$/,
    );
    expect(Buffer.from(sampleMedia('vcalendar', 500)).toString()).toMatch(
      /VERSION:1\.0[\s\S]*END:VCALENDAR\r\n$/,
    );
  });
});
