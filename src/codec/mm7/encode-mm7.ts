import { EncodeError } from '../codec-error.ts';
import { buildMime, makeBoundary } from '../mime/build-mime.ts';
import type { MimeEntity } from '../mime/mime-entity.ts';
import { escapeXml, isXmlText } from '../xml/parse-xml.ts';
import type { Mm7ValueType } from './mm7-elements.ts';
import { MM7_CHILD_ORDER, mm7ElementsFor } from './mm7-elements.ts';
import type { Mm7Field, Mm7Fields, Mm7Message } from './mm7-message.ts';
import { MM7_MESSAGE_TYPES } from './mm7-message.ts';
import { mm7StatusClass } from './mm7-status.ts';
import { checkMm7Fields } from './mm7-value-check.ts';
import type { Mm7VersionId } from './mm7-versions.ts';
import { mm7Version } from './mm7-versions.ts';

const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';

export interface Mm7EncodeOptions {
  /** Schema version to emit (default: msg.version when supported, else REL-6-MM7-1-4). */
  version?: Mm7VersionId;
  /** Boundary of the multipart/related body when there is content. */
  boundary?: string;
  /** Refuse messages the element table forbids (default true). */
  validate?: boolean;
}

/** Nested element → its value type, for the child order of complex values. */
const NESTED: Record<string, Mm7ValueType> = {
  To: 'address',
  Cc: 'address',
  Bcc: 'address',
  SenderAddress: 'address',
};

export function resolveVersion(msg: Mm7Message, opts: Mm7EncodeOptions): Mm7VersionId {
  const v = opts.version ?? (mm7Version(msg.version) ? (msg.version as Mm7VersionId) : 'REL-6-MM7-1-4');
  if (!mm7Version(v))
    throw new EncodeError(-1, 'version', `unsupported MM7 schema version ${JSON.stringify(v)}`);
  return v;
}

function writeValue(name: string, v: Mm7Field, type: Mm7ValueType | undefined, depth: number): string {
  if (depth > 16) throw new EncodeError(-1, name, 'nested deeper than 16');
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) throw new EncodeError(-1, name, 'not an XML element name');
  if (Array.isArray(v)) return v.map((x) => writeValue(name, x, type, depth + 1)).join('');
  if (typeof v === 'string') return `<${name}>${xmlText(v, name)}</${name}>`;
  let attrs = '';
  let text = '';
  const keys = Object.keys(v);
  const order = type ? (MM7_CHILD_ORDER[type] ?? []) : [];
  const childKeys = keys
    .filter((k) => !k.startsWith('@') && k !== '#text')
    .sort((a, b) => rank(order, a) - rank(order, b));
  for (const k of keys) {
    if (k.startsWith('@')) {
      const an = k.slice(1);
      if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(an))
        throw new EncodeError(-1, `${name}${k}`, 'not an attribute name');
      attrs += ` ${an}="${xmlText(String(v[k]), `${name}${k}`)}"`;
    } else if (k === '#text') text = xmlText(String(v[k]), name);
  }
  const inner = childKeys.map((k) => writeValue(k, v[k], NESTED[k], depth + 1)).join('');
  if (!inner && !text) return `<${name}${attrs}/>`;
  return `<${name}${attrs}>${text}${inner}</${name}>`;
}

/** Escapes text for XML, refusing characters XML 1.0 cannot carry at all (§2.2). */
function xmlText(s: string, field: string): string {
  if (!isXmlText(s)) throw new EncodeError(-1, field, 'contains a character XML 1.0 cannot carry (§2.2)');
  return escapeXml(s);
}

function rank(order: readonly string[], k: string): number {
  const i = order.indexOf(k);
  return i < 0 ? order.length : i;
}

/** The fields with Content@href pointing at the content part, when there is content. */
function withContentRef(msg: Mm7Message): { fields: Mm7Fields; content?: MimeEntity } {
  if (!msg.content) return { fields: msg.fields };
  const c = msg.fields.Content;
  const href = c && typeof c === 'object' && !Array.isArray(c) ? c['@href'] : undefined;
  let cid = msg.content.contentId;
  if (typeof href === 'string' && /^cid:/i.test(href)) {
    const fromHref = decodeURIComponent(href.slice(4));
    if (cid !== undefined && cid !== fromHref) {
      throw new EncodeError(-1, 'Content', `href ${href} does not name the content part <${cid}>`);
    }
    cid = fromHref;
    return { fields: msg.fields, content: { ...msg.content, contentId: cid } };
  }
  // A reference by the part's Content-Location (RFC 2557 §4.2) stays as it is.
  if (typeof href === 'string' && href === msg.content.contentLocation)
    return { fields: msg.fields, content: msg.content };
  cid ??= 'mm7-content';
  const fields = {
    ...msg.fields,
    Content: { ...(typeof c === 'object' && !Array.isArray(c) ? c : {}), '@href': `cid:${cid}` },
  };
  return { fields, content: { ...msg.content, contentId: cid } };
}

/**
 * The SOAP envelope of an MM7 message (TS 23.140 §8.7.1, Annex L): TransactionID header
 * with env:mustUnderstand="1", the operation element in the schema's namespace (default
 * namespace, unprefixed children as in the spec's examples), children in schema order.
 * RSErrorRsp and VASPErrorRsp go into a SOAP Fault's detail (§8.7.6).
 */
export function encodeMm7Xml(msg: Mm7Message, opts: Mm7EncodeOptions = {}): string {
  return build(msg, opts).xml;
}

function build(msg: Mm7Message, opts: Mm7EncodeOptions): { xml: string; content?: MimeEntity } {
  if (!MM7_MESSAGE_TYPES.includes(msg.type))
    throw new EncodeError(-1, 'type', `not an MM7 operation: ${msg.type}`);
  const version = resolveVersion(msg, opts);
  const ns = mm7Version(version)?.namespace ?? '';
  const { fields, content } = withContentRef(msg);
  if (opts.validate ?? true) {
    if (!msg.transactionId.trim()) throw new EncodeError(-1, 'TransactionID', 'empty (TS 23.140 §8.7.1)');
    const issues = checkMm7Fields(msg.type, version, fields);
    if (issues.length) {
      const rows = mm7ElementsFor(msg.type, version);
      const i = rows.findIndex((r) => r.name === issues[0].field.split(/[.@]/)[0]);
      throw new EncodeError(i, issues[0].field, issues[0].reason);
    }
  }
  const rows = mm7ElementsFor(msg.type, version);
  const known = new Set(rows.map((r) => r.name));
  let inner = '';
  for (const r of rows)
    if (fields[r.name] !== undefined) inner += writeValue(r.name, fields[r.name], r.type, 0);
  // Without validation, elements the table does not know are still written (after the known ones).
  for (const [k, v] of Object.entries(fields))
    if (!known.has(k) && !k.startsWith('@')) inner += writeValue(k, v, undefined, 0);
  const op = `<${msg.type} xmlns="${ns}">${inner}</${msg.type}>`;
  let body = op;
  if (msg.type === 'RSErrorRsp' || msg.type === 'VASPErrorRsp') {
    const st = fields.Status;
    const code = st && typeof st === 'object' && !Array.isArray(st) ? Number(st.StatusCode) : Number.NaN;
    const cls = mm7StatusClass(code);
    const faultcode = msg.fault?.faultcode ?? (cls === 'client' ? 'env:Client' : 'env:Server');
    const faultstring = msg.fault?.faultstring ?? (cls === 'client' ? 'Client error' : 'Server error');
    body = `<env:Fault><faultcode>${xmlText(faultcode, 'faultcode')}</faultcode><faultstring>${xmlText(
      faultstring,
      'faultstring',
    )}</faultstring><detail>${op}</detail></env:Fault>`;
  }
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\r\n' +
    `<env:Envelope xmlns:env="${SOAP11}">` +
    `<env:Header><mm7:TransactionID xmlns:mm7="${ns}" env:mustUnderstand="1">${xmlText(msg.transactionId, 'TransactionID')}</mm7:TransactionID></env:Header>` +
    `<env:Body>${body}</env:Body></env:Envelope>\r\n`;
  return content ? { xml, content } : { xml };
}

/**
 * Encodes an MM7 message for an HTTP body: bare `text/xml` when there is no content,
 * else multipart/related (RFC 2387) with type="text/xml" and start naming the SOAP part,
 * and the content as the second part referenced by Content@href="cid:…" (SOAP with
 * attachments, TS 23.140 §8.7.1). The content part keeps its own type (a nested
 * multipart/related with SMIL, or a single media object).
 */
export function encodeMm7(
  msg: Mm7Message,
  opts: Mm7EncodeOptions = {},
): { contentType: string; body: Uint8Array } {
  const { xml, content } = build(msg, opts);
  if (!content) return { contentType: 'text/xml; charset="utf-8"', body: Buffer.from(xml, 'utf8') };
  const boundary = opts.boundary ?? makeBoundary('mm7_', [xml, content.body]);
  const startId = 'mm7-soap-envelope@mmscert';
  const root: MimeEntity = {
    headers: [],
    contentType: 'multipart/related',
    params: { type: 'text/xml', start: `<${startId}>`, boundary },
    body: new Uint8Array(0),
    parts: [
      {
        headers: [],
        contentType: 'text/xml',
        params: { charset: 'utf-8' },
        contentId: startId,
        body: Buffer.from(xml, 'utf8'),
      },
      content,
    ],
  };
  const body = buildMime(root, { withHeaders: false, eightBitText: true });
  const contentType = `multipart/related; boundary="${boundary}"; type="text/xml"; start="<${startId}>"`;
  return { contentType, body };
}
