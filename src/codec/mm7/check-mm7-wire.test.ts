import { describe, expect, it } from 'vitest';
import { checkMm7Wire } from './check-mm7-wire.ts';
import { decodeMm7 } from './decode-mm7.ts';
import { encodeMm7 } from './encode-mm7.ts';
import { mm7Address } from './mm7-builders.ts';
import type { Mm7Message } from './mm7-message.ts';

const NS = 'http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';

const submit: Mm7Message = {
  type: 'SubmitReq',
  transactionId: 'w-1',
  version: 'REL-6-MM7-1-4',
  fields: {
    MM7Version: '6.8.0',
    SenderIdentification: { VASPID: 'V1' },
    Recipients: { To: mm7Address('+15550001') },
  },
  content: { headers: [], contentType: 'text/plain', params: {}, contentId: 'c1', body: Buffer.from('hi') },
};

const encoded = encodeMm7(submit, { boundary: 'bnd' });
const text = Buffer.from(encoded.body).toString('utf8');
const decode = (t: string) => decodeMm7(Buffer.from(t, 'utf8'), encoded.contentType);
const kinds = (t: string) => checkMm7Wire(decode(t)).map((i) => `${i.kind} ${i.field}`);

describe('checkMm7Wire: what decoding tolerates and a strict receiver refuses', () => {
  it('a request as encoded has no issue, and the facts say so', () => {
    const m = decode(text);
    expect(m.wire).toMatchObject({
      envelopeNs: 'http://schemas.xmlsoap.org/soap/envelope/',
      operationNs: NS,
    });
    expect(m.wire).toMatchObject({ transactionIdNs: NS, href: 'cid:c1', hrefResolved: true });
    expect(m.wire?.unclosedMultipartAt).toBeUndefined();
    expect(checkMm7Wire(m)).toEqual([]);
  });

  it.each([
    ['a trailing slash', `${NS}/`],
    ['https', NS.replace('http:', 'https:')],
    ['upper case', NS.toUpperCase()],
    ['a trailing space', `${NS} `],
    ['another host', NS.replace('www.3gpp.org', 'www.3gpp.example')],
  ])('a namespace with %s is not MM7 (the version decoded is none)', (_what, ns) => {
    const t = text.split(NS).join(ns);
    expect(decode(t).version).toBe('');
    expect(kinds(t)).toEqual(['not-mm7-namespace SubmitReq@xmlns', 'not-mm7-namespace TransactionID@xmlns']);
  });

  it('only the operation tampered: the version comes from the header, the operation is still refused', () => {
    const t = text.replace(`<SubmitReq xmlns="${NS}"`, `<SubmitReq xmlns="${NS}/"`);
    expect(decode(t).version).toBe('REL-6-MM7-1-4');
    expect(kinds(t)).toEqual(['not-mm7-namespace SubmitReq@xmlns']);
  });

  it('a well-formed MM7 namespace of a version without schema is unsupported, not foreign', () => {
    const t = text.split(NS).join(NS.replace('REL-6-MM7-1-4', 'REL-7-MM7-1-0'));
    expect(decode(t).version).toBe('REL-7-MM7-1-0');
    expect(kinds(t)).toEqual([
      'unsupported-version SubmitReq@xmlns',
      'unsupported-version TransactionID@xmlns',
    ]);
  });

  it('a SOAP 1.2 envelope is decoded and flagged', () => {
    const t = text.replace('http://schemas.xmlsoap.org/soap/envelope/', SOAP12);
    expect(decode(t).type).toBe('SubmitReq');
    expect(kinds(t)).toEqual(['soap-version Envelope@xmlns']);
  });

  it('an href naming no part: content is a guess, flagged', () => {
    const t = text.replace('href="cid:c1"', 'href="cid:nothing-here"');
    const m = decode(t);
    expect(m.content?.contentId).toBe('c1');
    expect(m.wire).toMatchObject({ href: 'cid:nothing-here', hrefResolved: false });
    expect(kinds(t)).toEqual(['dangling-href Content@href']);
  });

  it('an href resolved with brackets, another case or URL-encoding is resolved', () => {
    for (const href of ['cid:%3Cc1%3E', 'cid:C1', 'c1']) {
      const t = text.replace('href="cid:c1"', `href="${href}"`);
      expect(decode(t).wire?.hrefResolved, href).toBe(true);
    }
  });

  it('a multipart without its close-delimiter: parts decoded, the end flagged with its offset', () => {
    expect(text.endsWith('--bnd--\r\n')).toBe(true);
    const t = text.slice(0, -'--bnd--\r\n'.length);
    const m = decode(t);
    expect(Buffer.from(m.content?.body ?? []).toString()).toMatch(/^hi/);
    expect(m.wire?.unclosedMultipartAt).toBe(Buffer.byteLength(t));
    const issues = checkMm7Wire(m);
    expect(issues.map((i) => i.kind)).toEqual(['unclosed-multipart']);
    expect(issues[0].offset).toBe(Buffer.byteLength(t));
  });

  it('a message that was built, not decoded, has no facts and no issue', () => {
    expect(checkMm7Wire(submit)).toEqual([]);
  });
});
