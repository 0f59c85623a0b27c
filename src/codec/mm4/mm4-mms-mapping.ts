import { EncodeError } from '../codec-error.ts';
import type { MimeEntity } from '../mime/mime-entity.ts';
import { stripBrackets } from '../mime/parse-mime.ts';
import { getHeader, getHeaders } from '../mms/accessors.ts';
import { buildPdu } from '../mms/build-pdu.ts';
import type { MmsPart, MmsPdu, MmsValue } from '../mms/types.ts';
import type { ContentType, ContentTypeParam } from '../wsp/content-type.ts';
import { mediaName } from '../wsp/content-types.ts';
import { buildMm4, getMm4Header, getMm4Headers } from './build-mm4.ts';
import { parseMm4Address, splitAddressList } from './mm4-address.ts';
import type { Mm4Message } from './mm4-message.ts';
import { formatRfc5322Date, parseRfc5322Date } from './rfc5322-date.ts';

/** What an MM1 → MM4 mapping needs beyond the PDU (the relays' identities). */
export interface Mm4FromMmsContext {
  /** Domain of the recipient MMSC, appended to PLMN addresses (`+491.../TYPE=PLMN@<domain>`). */
  recipientDomain: string;
  /** Domain of the originating MMSC (Sender, PLMN originator addresses). */
  originatorDomain: string;
  transactionId: string;
  /** X-Mms-Message-ID (the MMSC's id of the MM); also the RFC 5322 Message-ID left part. */
  messageId: string;
  /** X-Mms-3GPP-MMS-Version to announce, default 6.16.0. */
  version?: string;
  /** Date when the PDU has none (default: now). */
  date?: Date;
  /** Sender header: the originating relay's system address, default `mms@<originatorDomain>`. */
  sender?: string;
  /** The originator's address when the PDU does not carry it (reports) or says Insert-address. */
  from?: string;
  /** The MM's originator, the To of delivery and read-reply reports. */
  originator?: string;
  /** X-Mms-Ack-Request: ask the peer for a RES (default true). */
  ackRequest?: boolean;
}

const CHARSET: Record<number, string> = {
  3: 'us-ascii',
  4: 'iso-8859-1',
  106: 'utf-8',
  1000: 'iso-10646-ucs-2',
  1015: 'utf-16',
};
const CHARSET_MIB: Record<string, number> = Object.fromEntries(
  Object.entries(CHARSET).map(([k, v]) => [v, Number(k)]),
);

function text(v: MmsValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object' && 'text' in v && typeof v.text === 'string') return v.text;
  return undefined;
}

/** `+1555/TYPE=PLMN` → `+1555/TYPE=PLMN@domain`; e-mail addresses stay (TS 23.140 §8.4.4, IR.52 §2.2). */
function toMm4Address(addr: string, domain: string): string {
  if (addr.includes('@')) return addr;
  if (/\/TYPE=/i.test(addr)) return `${addr}@${domain}`;
  return `${addr}/TYPE=PLMN@${domain}`;
}

/** The MM1 form: PLMN/IPv4/IPv6 addresses lose the relay domain, e-mail addresses stay. */
function toMm1Address(addr: string): string {
  const a = parseMm4Address(addr);
  if (!a) return addr.trim();
  if (a.kind === 'email') return a.address;
  return `${a.address}/TYPE=${a.kind === 'other' ? a.type : a.kind}`;
}

function mediaTypeOf(ct: ContentType): string {
  const m =
    typeof ct.mediaType === 'number' ? (mediaName(ct.mediaType) ?? 'application/octet-stream') : ct.mediaType;
  // WAP multipart types become their Internet forms on MM4 (TS 23.140 §8.4.1.1 content).
  return m.replace(/^application\/vnd\.wap\.multipart\./i, 'multipart/').toLowerCase();
}

function paramsOf(ct: ContentType): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of ct.params) {
    if (p.value === null) continue;
    if (p.name === 'charset' && typeof p.value === 'number')
      out.charset = CHARSET[p.value] ?? String(p.value);
    else if (p.name === 'type' && typeof p.value === 'number')
      out.type = mediaName(p.value) ?? String(p.value);
    else out[p.name.toLowerCase()] = String(p.value);
  }
  return out;
}

function partToMime(p: MmsPart): MimeEntity {
  const e: MimeEntity = {
    headers: [],
    contentType: mediaTypeOf(p.contentType),
    params: paramsOf(p.contentType),
    body: p.data,
  };
  for (const h of p.headers) {
    const v = typeof h.value === 'string' ? h.value : undefined;
    if (v === undefined) continue;
    if (/^content-id$/i.test(h.name)) e.contentId = stripBrackets(v);
    else if (/^content-location$/i.test(h.name)) e.contentLocation = v;
  }
  return e;
}

function dateOf(pdu: MmsPdu, ctx: Mm4FromMmsContext): string {
  const d = getHeader(pdu, 'Date');
  return formatRfc5322Date(typeof d === 'number' ? new Date(d * 1000) : (ctx.date ?? new Date()));
}

function common(ctx: Mm4FromMmsContext): Record<string, string> {
  return {
    'X-Mms-3GPP-MMS-Version': ctx.version ?? '6.16.0',
    'X-Mms-Transaction-ID': ctx.transactionId,
    'X-Mms-Message-ID': ctx.messageId,
    Sender: ctx.sender ?? `mms@${ctx.originatorDomain}`,
  };
}

function msgId(ctx: Mm4FromMmsContext): string {
  const left = ctx.messageId.replace(/[^\x21-\x3d\x3f-\x7e]|@/g, '_');
  return `<${left}@${ctx.originatorDomain}>`;
}

/**
 * Maps an MM1 PDU to the MM4 message the originating relay sends (TS 23.140 §8.4: the
 * MM1_submit.REQ information elements carried by MM4_forward.REQ; MM1 delivery and read
 * reports to MM4_delivery_report.REQ / MM4_read_reply_report.REQ):
 * m-send-req / m-forward-req / m-retrieve-conf → MM4_forward.REQ (Bcc recipients are not
 * written into the header: they travel only in the SMTP envelope), m-delivery-ind →
 * MM4_delivery_report.REQ, m-read-rec-ind / m-read-orig-ind → MM4_read_reply_report.REQ.
 */
export function mm4FromMms(pdu: MmsPdu, ctx: Mm4FromMmsContext): Mm4Message {
  const yes = (name: string) => text(getHeader(pdu, name));
  const ack = (ctx.ackRequest ?? true) ? 'Yes' : undefined;
  if (pdu.type === 'm-send-req' || pdu.type === 'm-forward-req' || pdu.type === 'm-retrieve-conf') {
    const from = getHeader(pdu, 'From');
    const fromText = text(from) ?? ctx.from;
    if (!fromText)
      throw new EncodeError(
        -1,
        'From',
        'Insert-address-token: the relay must fill in the originator (ctx.from)',
      );
    const list = (name: string) => {
      const v = getHeaders(pdu, name)
        .map((x) => text(x))
        .filter((x): x is string => !!x)
        .map((a) => toMm4Address(a, ctx.recipientDomain));
      return v.length ? v.join(', ') : undefined;
    };
    const expiry = getHeader(pdu, 'X-Mms-Expiry');
    let exp: string | undefined;
    if (expiry && typeof expiry === 'object' && 'absolute' in expiry)
      exp = formatRfc5322Date(new Date(expiry.absolute * 1000));
    else if (expiry && typeof expiry === 'object' && 'relative' in expiry) exp = String(expiry.relative);
    let content: MimeEntity | undefined;
    const ct = getHeader(pdu, 'Content-Type');
    if (ct && typeof ct === 'object' && 'mediaType' in ct) {
      content = {
        headers: [],
        contentType: mediaTypeOf(ct),
        params: paramsOf(ct),
        body: pdu.body ?? new Uint8Array(0),
      };
      if (pdu.parts) content.parts = pdu.parts.map(partToMime);
    }
    return buildMm4(
      'MM4_forward.REQ',
      {
        ...common(ctx),
        To: list('To'),
        Cc: list('Cc'),
        From: toMm4Address(fromText, ctx.originatorDomain),
        Date: dateOf(pdu, ctx),
        'Message-ID': msgId(ctx),
        Subject: yes('Subject'),
        'X-Mms-Message-Class': yes('X-Mms-Message-Class'),
        'X-Mms-Expiry': exp,
        'X-Mms-Delivery-Report': yes('X-Mms-Delivery-Report'),
        'X-Mms-Read-Reply': yes('X-Mms-Read-Report'),
        'X-Mms-Priority': yes('X-Mms-Priority'),
        'X-Mms-Sender-Visibility': yes('X-Mms-Sender-Visibility'),
        'X-Mms-Ack-Request': ack,
      },
      content,
    );
  }
  const originator = ctx.originator;
  if (pdu.type === 'm-delivery-ind') {
    if (!originator)
      throw new EncodeError(-1, 'To', 'a delivery report goes to the MM originator (ctx.originator)');
    return buildMm4('MM4_delivery_report.REQ', {
      ...common(ctx),
      'X-Mms-Message-ID': text(getHeader(pdu, 'Message-ID')) ?? ctx.messageId,
      From: toMm4Address(text(getHeader(pdu, 'To')) ?? ctx.from ?? '', ctx.originatorDomain),
      To: toMm4Address(originator, ctx.recipientDomain),
      Date: dateOf(pdu, ctx),
      'X-Mms-Ack-Request': ack,
      'X-Mms-MMS-Status': yes('X-Mms-Status'),
    });
  }
  if (pdu.type === 'm-read-rec-ind' || pdu.type === 'm-read-orig-ind') {
    const rs = yes('X-Mms-Read-Status');
    return buildMm4('MM4_read_reply_report.REQ', {
      ...common(ctx),
      'X-Mms-Message-ID': text(getHeader(pdu, 'Message-ID')) ?? ctx.messageId,
      From: toMm4Address(text(getHeader(pdu, 'From')) ?? ctx.from ?? '', ctx.originatorDomain),
      To: toMm4Address(text(getHeader(pdu, 'To')) ?? originator ?? '', ctx.recipientDomain),
      Date: dateOf(pdu, ctx),
      'X-Mms-Ack-Request': ack,
      'X-Mms-Read-Status': rs === 'Deleted-without-being-read' ? 'Deleted without being read' : rs,
    });
  }
  throw new EncodeError(-1, 'X-Mms-Message-Type', `${pdu.type} has no MM4 counterpart`);
}

function mimeToPart(e: MimeEntity): MmsPart {
  const params: ContentTypeParam[] = Object.entries(e.params)
    .filter(([k]) => k !== 'boundary')
    .map(([name, value]) => ({
      name,
      value: name === 'charset' ? (CHARSET_MIB[value.toLowerCase()] ?? value) : value,
    }));
  const headers: MmsPart['headers'] = [];
  if (e.contentId !== undefined) headers.push({ name: 'Content-ID', value: `<${e.contentId}>` });
  if (e.contentLocation !== undefined) headers.push({ name: 'Content-Location', value: e.contentLocation });
  return { contentType: { mediaType: e.contentType, params }, headers, data: e.body };
}

function epoch(v: string | undefined): number | undefined {
  const d = v === undefined ? null : parseRfc5322Date(v);
  return d ? Math.floor(d.getTime() / 1000) : undefined;
}

/**
 * Maps an MM4 request to the MM1 PDU the recipient side produces from it (TS 23.140
 * §8.4 and the MM1 tables): MM4_forward.REQ → m-retrieve-conf (the MM as the recipient
 * fetches it; addresses lose their relay domain), MM4_delivery_report.REQ →
 * m-delivery-ind, MM4_read_reply_report.REQ → m-read-orig-ind. RES messages have no
 * MM1 counterpart (EncodeError).
 */
export function mmsFromMm4(msg: Mm4Message): MmsPdu {
  const h = (n: string) => getMm4Header(msg, n);
  const addrs = (n: string) => getMm4Headers(msg, n).flatMap(splitAddressList).map(toMm1Address);
  const fields: Record<string, MmsValue | MmsValue[]> = {};
  const set = (k: string, v: MmsValue | MmsValue[] | undefined) => {
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) fields[k] = v;
  };
  if (msg.type === 'MM4_forward.REQ') {
    set('Message-ID', h('X-Mms-Message-ID'));
    set('Date', epoch(h('Date')));
    const from = h('From');
    set('From', from === undefined ? undefined : toMm1Address(from));
    set('To', addrs('To'));
    set('Cc', addrs('Cc'));
    set('Subject', h('Subject'));
    set('X-Mms-Message-Class', h('X-Mms-Message-Class'));
    set('X-Mms-Priority', h('X-Mms-Priority'));
    set('X-Mms-Delivery-Report', h('X-Mms-Delivery-Report'));
    set('X-Mms-Read-Report', h('X-Mms-Read-Reply'));
    const c = msg.content;
    if (!c) return buildPdu('m-retrieve-conf', fields);
    const mediaType = c.contentType.replace(/^multipart\//, 'application/vnd.wap.multipart.');
    const params: ContentTypeParam[] = Object.entries(c.params)
      .filter(([k]) => k !== 'boundary')
      .map(([name, value]) => ({ name, value }));
    set('Content-Type', { mediaType, params });
    return buildPdu('m-retrieve-conf', fields, c.parts ? c.parts.map(mimeToPart) : c.body);
  }
  if (msg.type === 'MM4_delivery_report.REQ') {
    set('Message-ID', h('X-Mms-Message-ID'));
    set('To', addrs('From'));
    set('Date', epoch(h('Date')));
    set('X-Mms-Status', h('X-Mms-MMS-Status'));
    return buildPdu('m-delivery-ind', fields);
  }
  if (msg.type === 'MM4_read_reply_report.REQ') {
    const rs = h('X-Mms-Read-Status');
    set('Message-ID', h('X-Mms-Message-ID'));
    set('To', addrs('To'));
    set('From', addrs('From')[0]);
    set('Date', epoch(h('Date')));
    set(
      'X-Mms-Read-Status',
      rs?.toLowerCase() === 'deleted without being read' ? 'Deleted-without-being-read' : rs,
    );
    return buildPdu('m-read-orig-ind', fields);
  }
  throw new EncodeError(-1, 'X-Mms-Message-Type', `${msg.type} has no MM1 counterpart`);
}
