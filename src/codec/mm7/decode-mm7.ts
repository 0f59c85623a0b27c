import { DecodeError } from '../codec-error.ts';
import { parseContentType } from '../mime/content-type.ts';
import { getHeader } from '../mime/get-header.ts';
import type { MimeEntity } from '../mime/mime-entity.ts';
import { parseHeaderBlock, parseMime, parseMimeBody, stripBrackets } from '../mime/parse-mime.ts';
import type { XmlElement } from '../xml/parse-xml.ts';
import { parseXml } from '../xml/parse-xml.ts';
import type { Mm7Field, Mm7Fields, Mm7Message, Mm7MessageType, Mm7Wire } from './mm7-message.ts';
import { MM7_MESSAGE_TYPES } from './mm7-message.ts';
import { mm7VersionOfNamespace } from './mm7-versions.ts';

export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
/** Address elements repeat (AddressType: choice maxOccurs unbounded, Annex L). */
const ALWAYS_ARRAY = new Set(['Number', 'RFC2822Address', 'ShortCode']);
const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Decodes an MM7 message. `input` may be a bare SOAP envelope, a multipart/related body
 * (SOAP with attachments; give its Content-Type, or it is recognised from its first
 * boundary line), a MIME entity with its own Content-Type header, or a whole HTTP request
 * or response (start line, headers, body; chunked transfer coding is undone).
 * Tolerant on input: any namespace prefixes, SOAP-ENV/env/soap…, elements in any order,
 * Content-ID references with or without `cid:` and brackets, unknown schema versions, a SOAP 1.2
 * envelope, an operation in a namespace that is not MM7's, a Content@href naming no part, a
 * multipart without its close-delimiter. What it read past is in `wire` (checkMm7Wire judges it).
 * Total: a value or one DecodeError(offset, field, reason).
 */
export function decodeMm7(input: Uint8Array, contentType?: string): Mm7Message {
  try {
    return decode(input, contentType);
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError(0, 'MM7', `unexpected: ${(e as Error).message}`);
  }
}

/** A SOAP Fault as any SOAP node sends it (1.1: faultcode/faultstring; 1.2: Code/Value, Reason/Text). */
export interface SoapFaultPeek {
  /** Namespace of the Envelope (SOAP 1.1's, SOAP 1.2's, or another). */
  envelopeNs: string;
  faultcode: string;
  faultstring: string;
}

/**
 * The SOAP Fault of an answer, also one without an MM7 error response in its detail (a
 * VersionMismatch fault, SOAP 1.1 §4.4.1), or undefined when the body holds no Fault.
 * Never throws.
 */
export function peekSoapFault(input: Uint8Array, contentType?: string): SoapFaultPeek | undefined {
  try {
    const { xml, xmlOffset } = locateSoap(input, contentType, 0);
    const env = parseXml(xml.replace(/^\uFEFF/, ''), xmlOffset);
    if (env.name !== 'Envelope') return undefined;
    const fault = env.children.find((c) => c.name === 'Body')?.children.find((c) => c.name === 'Fault');
    if (!fault) return undefined;
    const child = (el: XmlElement | undefined, name: string) => el?.children.find((c) => c.name === name);
    const code = child(fault, 'faultcode')?.text ?? child(child(fault, 'Code'), 'Value')?.text ?? '';
    const text = child(fault, 'faultstring')?.text ?? child(child(fault, 'Reason'), 'Text')?.text ?? '';
    return { envelopeNs: env.ns, faultcode: code.trim(), faultstring: text.trim() };
  } catch {
    return undefined;
  }
}

function decode(input: Uint8Array, contentType?: string): Mm7Message {
  let body = input;
  let base = 0;
  let ct = contentType;
  const head = utf8.decode(input.subarray(0, Math.min(input.length, 64)));
  if (/^(?:[A-Z]+ \S+ HTTP\/1\.[01]|HTTP\/1\.[01] \d{3})[^\n]*\n/.test(head)) {
    const firstEol = input.indexOf(0x0a);
    const { headers, bodyStart } = parseHeaderBlock(input, firstEol + 1);
    ct = getHeader(headers, 'Content-Type') ?? ct;
    base = bodyStart;
    body = input.subarray(bodyStart);
    if (/chunked/i.test(getHeader(headers, 'Transfer-Encoding') ?? '')) body = dechunk(body, base);
  }
  const located = locateSoap(body, ct, base);
  return fromEnvelope(located);
}

interface Located {
  xml: string;
  xmlOffset: number;
  others: MimeEntity[];
  /** End of the first multipart body found without its close-delimiter. */
  unclosedAt?: number;
}

function locateSoap(body: Uint8Array, ct: string | undefined, base: number): Located {
  let lead = 0;
  while (
    lead < body.length &&
    (body[lead] === 0x20 || body[lead] === 0x09 || body[lead] === 0x0d || body[lead] === 0x0a)
  ) {
    lead++;
  }
  const parsedCt = ct ? parseContentType(ct) : null;
  if (ct && !parsedCt)
    throw new DecodeError(base, 'Content-Type', `not a media type: ${JSON.stringify(ct.slice(0, 60))}`);
  let entity: MimeEntity | undefined;
  if (parsedCt?.type.startsWith('multipart/')) entity = parseMimeBody(body, ct as string, base);
  else if (!parsedCt && body[lead] === 0x2d && body[lead + 1] === 0x2d) {
    // A multipart body without its header: the boundary is the first delimiter line.
    let eol = body.indexOf(0x0a, lead);
    if (eol < 0) eol = body.length;
    const boundary = utf8
      .decode(body.subarray(lead + 2, eol))
      .replace(/\r$/, '')
      .trimEnd();
    if (!boundary) throw new DecodeError(base + lead, 'multipart', 'empty boundary');
    entity = parseMimeBody(body, `multipart/related; boundary="${boundary.replace(/"/g, '')}"`, base);
  } else if (
    !parsedCt &&
    body[lead] !== 0x3c &&
    /^[A-Za-z-]+:/.test(utf8.decode(body.subarray(lead, lead + 40)))
  ) {
    entity = parseMime(body.subarray(lead), base + lead);
  }
  if (!entity?.parts) {
    const xmlBytes = entity ? entity.body : body;
    return { xml: utf8.decode(xmlBytes), xmlOffset: entity?.bodyOffset ?? base, others: [] };
  }
  const unclosedAt = unclosedEnd(entity, 0);
  const parts = entity.parts;
  if (parts.length === 0) throw new DecodeError(base, 'multipart', 'no body parts');
  // RFC 2387 §3.2: the root is the part named by `start`, else the first part.
  const start = entity.params.start ? stripBrackets(entity.params.start) : undefined;
  let root = start ? parts.find((p) => p.contentId === start) : undefined;
  root ??= parts[0];
  const others = parts.filter((p) => p !== root);
  return {
    xml: utf8.decode(root.body),
    xmlOffset: bodyOffsetOf(root),
    others,
    ...(unclosedAt !== undefined ? { unclosedAt } : {}),
  };
}

/** The end offset of the first multipart body (this entity or one inside) without its close-delimiter. */
function unclosedEnd(e: MimeEntity, depth: number): number | undefined {
  if (e.unclosed) return bodyOffsetOf(e) + e.body.length;
  if (!e.parts || depth > 32) return undefined;
  for (const p of e.parts) {
    const at = unclosedEnd(p, depth + 1);
    if (at !== undefined) return at;
  }
  return undefined;
}

function bodyOffsetOf(e: MimeEntity): number {
  return e.bodyOffset ?? e.offset ?? 0;
}

function dechunk(body: Uint8Array, base: number): Uint8Array {
  const out: Buffer[] = [];
  let pos = 0;
  for (let guard = 0; guard < 1_000_000; guard++) {
    const eol = body.indexOf(0x0a, pos);
    if (eol < 0) throw new DecodeError(base + pos, 'chunk-size', 'missing line end');
    const sizeText = utf8.decode(body.subarray(pos, eol)).split(';')[0].trim();
    if (!/^[0-9A-Fa-f]{1,8}$/.test(sizeText))
      throw new DecodeError(base + pos, 'chunk-size', 'not hexadecimal');
    const size = Number.parseInt(sizeText, 16);
    pos = eol + 1;
    if (size === 0) return Buffer.concat(out);
    if (pos + size > body.length) throw new DecodeError(base + pos, 'chunk-data', 'truncated chunk');
    out.push(Buffer.from(body.subarray(pos, pos + size)));
    pos += size;
    if (body[pos] === 0x0d) pos++;
    if (body[pos] === 0x0a) pos++;
  }
  throw new DecodeError(base + pos, 'chunk-size', 'too many chunks');
}

function fromEnvelope({ xml, xmlOffset, others, unclosedAt }: Located): Mm7Message {
  // Offsets inside the XML are character positions; for the ASCII SOAP we see they are octets.
  const env = parseXml(xml.replace(/^\uFEFF/, ''), xmlOffset);
  if (env.name !== 'Envelope')
    throw new DecodeError(xmlOffset, 'Envelope', `root element is ${env.qname}, not a SOAP Envelope`);
  // The one field a SOAP 1.1 receiver answers with a VersionMismatch fault (SOAP 1.1 §4.1.2).
  if (env.ns !== SOAP11_NS && env.ns !== SOAP12_NS) {
    throw new DecodeError(
      xmlOffset,
      'Envelope@xmlns',
      `namespace ${JSON.stringify(env.ns.slice(0, 100))} is not SOAP 1.1 (SOAP 1.1 §4.1.2)`,
    );
  }
  const header = env.children.find((c) => c.name === 'Header');
  const bodyEl = env.children.find((c) => c.name === 'Body');
  if (!bodyEl) throw new DecodeError(xmlOffset, 'Body', 'SOAP Envelope without Body');
  const tx = header?.children.find((c) => c.name === 'TransactionID');
  if (!tx)
    throw new DecodeError(xmlOffset, 'TransactionID', 'missing SOAP header TransactionID (TS 23.140 §8.7.1)');
  let opEl = bodyEl.children.find((c) => (MM7_MESSAGE_TYPES as readonly string[]).includes(c.name));
  let fault: Mm7Message['fault'];
  const faultEl = bodyEl.children.find((c) => c.name === 'Fault');
  if (!opEl && faultEl) {
    const detail = faultEl.children.find((c) => c.name === 'detail');
    opEl = detail?.children.find((c) => c.name === 'RSErrorRsp' || c.name === 'VASPErrorRsp');
    fault = {
      faultcode: (faultEl.children.find((c) => c.name === 'faultcode')?.text ?? '').trim(),
      faultstring: (faultEl.children.find((c) => c.name === 'faultstring')?.text ?? '').trim(),
    };
    if (!opEl)
      throw new DecodeError(
        xmlOffset,
        'Fault',
        `SOAP Fault without an MM7 error response: ${fault.faultstring}`,
      );
  }
  if (!opEl) {
    const names = bodyEl.children.map((c) => c.qname).join(', ') || 'nothing';
    throw new DecodeError(xmlOffset, 'Body', `no MM7 operation in the SOAP Body (found ${names})`);
  }
  const version = mm7VersionOfNamespace(opEl.ns) ?? mm7VersionOfNamespace(tx.ns) ?? '';
  const fields = childrenToFields(opEl);
  const wire: Mm7Wire = { envelopeNs: env.ns, operationNs: opEl.ns, transactionIdNs: tx.ns, xmlOffset };
  if (unclosedAt !== undefined) wire.unclosedMultipartAt = unclosedAt;
  const msg: Mm7Message = {
    type: opEl.name as Mm7MessageType,
    transactionId: tx.text.trim(),
    version,
    fields,
    wire,
  };
  if (fault) msg.fault = fault;
  const c = fields.Content;
  const href = c && typeof c === 'object' && !Array.isArray(c) ? c['@href'] : undefined;
  if (typeof href === 'string') wire.href = href;
  const found = findContent(href, others);
  if (typeof href === 'string') wire.hrefResolved = found.resolved;
  if (found.content) msg.content = found.content;
  return msg;
}

function elementValue(el: XmlElement): Mm7Field {
  const hasAttrs = Object.keys(el.attrs).length > 0;
  if (el.children.length === 0 && !hasAttrs) return el.text.trim();
  const out: Mm7Fields = {};
  for (const [k, v] of Object.entries(el.attrs)) out[`@${k}`] = v;
  if (el.children.length === 0) {
    if (el.text.trim()) out['#text'] = el.text.trim();
    return out;
  }
  Object.assign(out, childrenToFields(el));
  return out;
}

function childrenToFields(el: XmlElement): Mm7Fields {
  const out: Mm7Fields = {};
  const multi = new Set<string>();
  for (const [k, v] of Object.entries(el.attrs)) out[`@${k}`] = v;
  for (const c of el.children) {
    const v = elementValue(c);
    const prev = out[c.name];
    if (prev === undefined) out[c.name] = ALWAYS_ARRAY.has(c.name) ? [v] : v;
    else if (Array.isArray(prev) && (ALWAYS_ARRAY.has(c.name) || multi.has(c.name))) prev.push(v);
    else {
      out[c.name] = [prev, v];
      multi.add(c.name);
    }
  }
  return out;
}

/**
 * The part `Content@href` names (cid: URL, RFC 2392; or a Content-Location), tolerating the usual
 * deviations (brackets, case, no `cid:`). An href naming no part still gets a guess (the only
 * other part, or all of them: the spec's own DeliverReq example mistypes its cid), `resolved` false.
 */
function findContent(
  href: Mm7Field | undefined,
  others: MimeEntity[],
): { content?: MimeEntity; resolved: boolean } {
  if (typeof href === 'string') {
    let id = href.trim();
    if (/^cid:/i.test(id)) id = id.slice(4);
    id = stripBrackets(decodeURIComponentSafe(id));
    const hit =
      others.find((p) => p.contentId === id) ??
      others.find((p) => p.contentId?.toLowerCase() === id.toLowerCase()) ??
      others.find((p) => p.contentLocation === id);
    if (hit) return { content: hit, resolved: true };
  }
  if (others.length === 0) return { resolved: false };
  if (others.length === 1) return { content: others[0], resolved: false };
  const all: MimeEntity = {
    headers: [],
    contentType: 'multipart/related',
    params: {},
    body: new Uint8Array(0),
    parts: others,
  };
  return { content: all, resolved: false };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
