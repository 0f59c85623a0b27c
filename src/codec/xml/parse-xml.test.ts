import { describe, expect, it } from 'vitest';
import { DecodeError } from '../codec-error.ts';
import { decodeEntities, escapeXml, isXmlText, parseXml } from './parse-xml.ts';

describe('parseXml', () => {
  it('resolves namespaces per element, default and prefixed, and attribute prefixes', () => {
    const e = parseXml('<a:x xmlns:a="urn:a" xmlns="urn:d"><y a:k="1" k="2"><a:z/></y></a:x>');
    expect([e.name, e.ns]).toEqual(['x', 'urn:a']);
    const y = e.children[0];
    expect([y.name, y.ns, y.attrs, y.nsAttrs]).toEqual([
      'y',
      'urn:d',
      { k: '2' },
      [{ ns: 'urn:a', name: 'k', value: '1' }],
    ]);
    expect(y.children[0].ns).toBe('urn:a');
  });
  it('decodes predefined entities, character references and CDATA', () => {
    const e = parseXml('<a t="&lt;&#x41;">&#66;&amp;<![CDATA[&not-an-entity;<]]>&gt;</a>');
    expect(e.text).toBe('B&&not-an-entity;<>');
    expect(e.attrs.t).toBe('<A');
  });
  it.each([
    ['<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>', /DTD/],
    ['<a>&x;</a>', /undeclared entity/],
    ['<a>&#1;</a>', /not an XML Char/],
    ['<a><b></a>', /./],
    ['<a/><b/>', /./],
    ['<p:a/>', /undeclared namespace prefix/],
  ])('%s → DecodeError', (x, re) => {
    expect(() => parseXml(x)).toThrow(DecodeError);
    expect(() => parseXml(x)).toThrow(re);
  });
  it('escapes and checks text', () => {
    expect(escapeXml('<a & "b">')).toBe('&lt;a &amp; &quot;b&quot;&gt;');
    expect(decodeEntities(escapeXml('<a & "b">'))).toBe('<a & "b">');
    expect(isXmlText('ok ☂ \t\n')).toBe(true);
    expect(isXmlText('bad \u0001')).toBe(false);
  });
});
