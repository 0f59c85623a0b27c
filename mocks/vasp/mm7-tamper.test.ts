import { describe, expect, it } from 'vitest';
import type { Mm7Message } from '../../src/codec/mm7/index.ts';
import { checkMm7Wire, decodeMm7, encodeMm7, mm7Address } from '../../src/codec/mm7/index.ts';
import { parseTamper, tamperMm7 } from './mm7-tamper.ts';

const NS = 'http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4';
const msg: Mm7Message = {
  type: 'SubmitReq',
  transactionId: 't-1',
  version: 'REL-6-MM7-1-4',
  fields: {
    MM7Version: '6.8.0',
    SenderIdentification: { VASPID: 'V' },
    Recipients: { To: mm7Address('+1555') },
  },
  content: {
    headers: [],
    contentType: 'image/png',
    params: {},
    contentId: 'img',
    body: new Uint8Array([0, 0xff, 0x80, 0x22]),
  },
};
const { contentType, body } = encodeMm7(msg);
const bend = (t: object) => {
  const out = tamperMm7('vasp', body, contentType, NS, parseTamper('vasp', t as never) ?? {});
  return decodeMm7(out, contentType);
};

describe('tamperMm7: one defect, the rest as encoded', () => {
  it.each([
    ['trailing-slash', `${NS}/`],
    ['https', NS.replace('http:', 'https:')],
    ['upper-case', NS.toUpperCase()],
    ['trailing-space', `${NS} `],
    ['other-host', NS.replace('www.3gpp.org', 'www.3gpp.example')],
  ])('namespace %s bends operation and header alike', (name, ns) => {
    const m = bend({ namespace: name });
    expect(m.wire).toMatchObject({ operationNs: ns, transactionIdNs: ns });
    expect(m.content?.body).toEqual(msg.content?.body);
  });

  it('envelope soap12, href, unclosed each give exactly their issue; binary content passes unchanged', () => {
    expect(checkMm7Wire(bend({ envelope: 'soap12' })).map((i) => i.kind)).toEqual(['soap-version']);
    const h = bend({ href: 'cid:"x"' });
    expect(h.wire?.href).toBe('cid:"x"');
    expect(checkMm7Wire(h).map((i) => i.kind)).toEqual(['dangling-href']);
    const u = bend({ unclosed: true });
    expect(checkMm7Wire(u).map((i) => i.kind)).toEqual(['unclosed-multipart']);
    expect(u.content?.body).toEqual(msg.content?.body);
  });

  it('refuses unknown keys and values', () => {
    expect(() => parseTamper('vasp', { namespace: 'sideways' })).toThrow(/tamper\.namespace/);
    expect(() => parseTamper('vasp', { envelope: 'soap13' })).toThrow(/tamper\.envelope/);
    expect(() => parseTamper('vasp', 'x')).toThrow(/an object/);
    expect(parseTamper('vasp', undefined)).toBeUndefined();
  });
});
