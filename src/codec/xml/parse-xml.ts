import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DecodeError } from '../codec-error.ts';

/** An XML element with namespaces resolved (Namespaces in XML 1.0 §5–6). */
export interface XmlElement {
  /** Local name (prefix removed). */
  name: string;
  /** Namespace URI ('' when none). */
  ns: string;
  /** Qualified name as written. */
  qname: string;
  /** Unprefixed attributes (no namespace, §6.2) by name; entities decoded. */
  attrs: Record<string, string>;
  /** Prefixed attributes, namespace-resolved (xmlns declarations excluded). */
  nsAttrs: Array<{ ns: string; name: string; value: string }>;
  children: XmlElement[];
  /** Concatenated character data directly inside this element. */
  text: string;
}

type FxpNode = { [k: string]: unknown; ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Entities are decoded here (decodeEntities), not by the parser: it leaves numeric
  // references alone and lets undeclared entities through.
  processEntities: false,
  htmlEntities: false,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false as unknown as string,
});

function lineColToOffset(text: string, line: number, col: number): number {
  if (!Number.isFinite(line) || !Number.isFinite(col)) return 0;
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return Math.min(text.length, off + Math.max(0, col - 1));
}

/**
 * Parses an XML document into a namespace-resolved element tree. DTDs are refused
 * outright (no DOCTYPE, no entity declarations: XXE and entity-expansion attacks cannot
 * start). Errors are one DecodeError whose offset is `base` + the character position.
 */
export function parseXml(text: string, base = 0): XmlElement {
  const dt = /<!DOCTYPE|<!ENTITY/i.exec(text);
  if (dt) throw new DecodeError(base + dt.index, 'XML', 'DTD/entity declarations are refused (XXE)');
  const res = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (res !== true) {
    const { line, col, msg } = res.err;
    throw new DecodeError(base + lineColToOffset(text, Number(line), Number(col)), 'XML', String(msg));
  }
  let nodes: FxpNode[];
  try {
    nodes = parser.parse(text) as FxpNode[];
  } catch (e) {
    // fast-xml-parser's validator passes some documents its parser then refuses with a plain
    // Error (an unclosed PI, CDATA section or comment, a tag name it cannot read: found by
    // `npm run fuzz`, inputs in test/fuzz-regressions/xml/); the decoder stays total.
    throw new DecodeError(
      base,
      'XML',
      `not well-formed: ${(e as Error).message.split('\n')[0].slice(0, 120)}`,
    );
  }
  const roots = nodes.filter((n) => Object.keys(n).some((k) => k !== ':@' && k !== '#text'));
  if (roots.length !== 1)
    throw new DecodeError(base, 'XML', `expected one root element, found ${roots.length}`);
  return convert(roots[0], new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]), base);
}

function convert(node: FxpNode, scope: Map<string, string>, base: number, depth = 0): XmlElement {
  if (depth > 64) throw new DecodeError(base, 'XML', 'elements nested deeper than 64');
  const qname = Object.keys(node).find((k) => k !== ':@') ?? '';
  const rawAttrs = node[':@'] ?? {};
  let local = scope;
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) {
      if (local === scope) local = new Map(scope);
      local.set(k === 'xmlns' ? '' : k.slice(6), String(v));
    }
  }
  const [prefix, name] = splitQName(qname);
  const ns = local.get(prefix) ?? '';
  if (prefix && !local.has(prefix))
    throw new DecodeError(base, 'XML', `undeclared namespace prefix "${prefix}"`);
  const attrs: Record<string, string> = {};
  const nsAttrs: XmlElement['nsAttrs'] = [];
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    const [p, n] = splitQName(k);
    const value = decodeEntities(String(v), base);
    if (!p) attrs[n] = value;
    else {
      if (!local.has(p)) throw new DecodeError(base, 'XML', `undeclared namespace prefix "${p}"`);
      nsAttrs.push({ ns: local.get(p) ?? '', name: n, value });
    }
  }
  const el: XmlElement = { name, ns, qname, attrs, nsAttrs, children: [], text: '' };
  const kids = node[qname];
  if (Array.isArray(kids)) {
    for (const k of kids as FxpNode[]) {
      if ('#text' in k) el.text += decodeEntities(String(k['#text']), base);
      else if ('#cdata' in k) el.text += cdataText(k['#cdata']);
      else if (Object.keys(k).some((x) => x !== ':@')) el.children.push(convert(k, local, base, depth + 1));
    }
  }
  return el;
}

function cdataText(v: unknown): string {
  if (Array.isArray(v)) return v.map((x) => String((x as FxpNode)['#text'] ?? '')).join('');
  return String(v ?? '');
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML 1.0 Char production (§2.2). */
function isXmlChar(c: number): boolean {
  return (
    c === 0x9 ||
    c === 0xa ||
    c === 0xd ||
    (c >= 0x20 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

/**
 * Replaces the five predefined entities and character references (XML 1.0 §4.1, §4.6).
 * Anything else is an undeclared entity (WFC: Entity Declared): no DTD is ever read.
 */
export function decodeEntities(s: string, base = 0): string {
  if (!s.includes('&')) return s;
  return s.replace(/&([^;&\s]{0,12});?/g, (whole, name: string) => {
    if (!whole.endsWith(';'))
      throw new DecodeError(base, 'XML', `unterminated reference ${JSON.stringify(whole)}`);
    if (name in PREDEFINED) return PREDEFINED[name];
    const m = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(name);
    if (!m) throw new DecodeError(base, 'XML', `undeclared entity &${name}; (no DTD is read)`);
    const code = m[1] !== undefined ? Number.parseInt(m[1], 16) : Number(m[2]);
    if (!isXmlChar(code))
      throw new DecodeError(base, 'XML', `character reference &${name}; is not an XML Char`);
    return String.fromCodePoint(code);
  });
}

/** True when every character may appear in an XML 1.0 document (§2.2). */
export function isXmlText(s: string): boolean {
  for (const ch of s) if (!isXmlChar(ch.codePointAt(0) ?? 0)) return false;
  return true;
}

function splitQName(q: string): [string, string] {
  const i = q.indexOf(':');
  return i < 0 ? ['', q] : [q.slice(0, i), q.slice(i + 1)];
}

/** Escapes character data / attribute values (XML 1.0 §2.4, §3.3.3). */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;',
  );
}
