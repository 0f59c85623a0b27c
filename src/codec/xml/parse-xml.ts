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
  /** Attributes by local name (xmlns declarations excluded); values as written, entities decoded. */
  attrs: Record<string, string>;
  /** Namespace URI of each attribute that had a prefix. */
  attrNs: Record<string, string>;
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
  processEntities: true,
  htmlEntities: false,
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
  const nodes = parser.parse(text) as FxpNode[];
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
  const attrNs: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    const [p, n] = splitQName(k);
    attrs[n] = String(v);
    if (p) attrNs[n] = local.get(p) ?? '';
  }
  const el: XmlElement = { name, ns, qname, attrs, attrNs, children: [], text: '' };
  const kids = node[qname];
  if (Array.isArray(kids)) {
    for (const k of kids as FxpNode[]) {
      if ('#text' in k) el.text += String(k['#text']);
      else if (Object.keys(k).some((x) => x !== ':@')) el.children.push(convert(k, local, base, depth + 1));
    }
  }
  return el;
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
