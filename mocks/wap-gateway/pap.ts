import { XMLParser } from 'fast-xml-parser';

/**
 * PAP 2.0 (WAP-247-PAP-20010429) control entities: what the PPG mock reads (push-message,
 * cancel-message, statusquery-message, resultnotification-response) and writes
 * (push-response, cancel-response, statusquery-response, resultnotification-message,
 * badmessage-response). Element and attribute names are the DTD's, verbatim.
 */

/** PAP result codes (WAP-247 §9.13). */
export const PAP_RESULT_CODES: Record<number, string> = {
  1000: 'OK',
  1001: 'Accepted for processing',
  2000: 'Bad request',
  2001: 'Forbidden',
  2002: 'Address error',
  2003: 'Address not found',
  2004: 'Push ID not found',
  2005: 'Capabilities mismatch',
  2006: 'Required capabilities not supported',
  2007: 'Duplicate push ID',
  2008: 'Cancellation not possible',
  3000: 'Internal server error',
  3001: 'Not implemented',
  3002: 'Version not supported',
  3003: 'Not possible',
  3004: 'Capability matching not supported',
  3005: 'Multiple addresses not supported',
  3006: 'Transformation failure',
  3007: 'Specified delivery method not possible',
  3008: 'Capabilities not available',
  3009: 'Required network not available',
  3010: 'Required bearer not available',
  3011: 'Replacement not supported',
  4000: 'Service failure',
  4001: 'Service unavailable',
};

/** Message states of result notifications and status queries (WAP-247 §9.x, %State;). */
export type PapMessageState =
  | 'undeliverable'
  | 'pending'
  | 'expired'
  | 'delivered'
  | 'aborted'
  | 'timeout'
  | 'cancelled'
  | 'unknown';

export class PapError extends Error {
  constructor(
    readonly code: number,
    message: string,
    /** The offending piece of the request (badmessage-response bad-message-fragment). */
    readonly fragment?: string,
  ) {
    super(message);
    this.name = 'PapError';
  }
}

export interface PapAddress {
  /** As sent: `WAPPUSH=+15550001/TYPE=PLMN@ppg.example`. */
  value: string;
  /** The client address part: `+15550001`. */
  client: string;
  /** TYPE= (PLMN, USER, IPv4...). */
  type: string;
  ppg?: string;
}

export type PapControl =
  | {
      kind: 'push-message';
      pushId: string;
      addresses: PapAddress[];
      deliverBefore?: string;
      deliverAfter?: string;
      sourceReference?: string;
      notifyTo?: string;
      progressNotes: boolean;
      qos?: Record<string, string>;
    }
  | { kind: 'cancel-message'; pushId: string; addresses: PapAddress[] }
  | { kind: 'statusquery-message'; pushId: string; addresses: PapAddress[] }
  | { kind: 'resultnotification-response'; pushId: string; code: number };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  isArray: (name) => name === 'address',
});

/**
 * Parses a PPG address (WAP-249-PPGService §7.1, "WAPPUSH=" client-address "/TYPE=" type "@" ppg).
 * Throws PapError 2002 for anything else.
 */
export function parsePapAddress(value: string): PapAddress {
  const m = /^WAPPUSH=([^/@]+)\/TYPE=([A-Za-z0-9]+)(?:@(.*))?$/.exec(value.trim());
  if (!m) throw new PapError(2002, `address '${value}' is not WAPPUSH=<client>/TYPE=<type>@<ppg>`, value);
  const client = decodeURIComponent(m[1].replace(/%(?![0-9A-Fa-f]{2})/g, '%25'));
  return { value, client, type: m[2].toUpperCase(), ppg: m[3] };
}

/**
 * Parses the PAP control entity. Refuses any DTD internal subset or entity declaration
 * (an XXE attempt): the standard `<!DOCTYPE pap PUBLIC "-//WAPFORUM//DTD PAP 2.0//EN" ...>`
 * without a subset is accepted and never fetched. Every failure is one PapError (2000 for
 * malformed XML and unknown elements, 2002 for bad addresses).
 */
export function parsePapControl(xml: string): PapControl {
  if (/<!ENTITY/i.test(xml) || /<!DOCTYPE[^>]*\[/i.test(xml)) {
    throw new PapError(2000, 'DTD internal subsets and entity declarations are refused', '<!DOCTYPE');
  }
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml, true) as Record<string, unknown>;
  } catch (e) {
    throw new PapError(2000, `XML not well-formed: ${(e as Error).message.split('\n')[0]}`);
  }
  const pap = doc.pap;
  if (!pap || typeof pap !== 'object') throw new PapError(2000, 'root element is not <pap>');
  const entries = Object.entries(pap as Record<string, unknown>).filter(
    ([k, v]) => typeof v === 'object' && v !== null && !k.startsWith('?'),
  );
  if (entries.length !== 1) throw new PapError(2000, '<pap> must hold exactly one message element');
  const [name, raw] = entries[0];
  const el = raw as Record<string, unknown>;
  const attr = (n: string) => (typeof el[n] === 'string' ? (el[n] as string) : undefined);
  const pushId = attr('push-id');
  if (!pushId) throw new PapError(2000, `<${name}> has no push-id`, `<${name}>`);
  const addresses = () =>
    ((el.address as Array<Record<string, unknown>> | undefined) ?? []).map((a) => {
      const v = a['address-value'];
      if (typeof v !== 'string') throw new PapError(2002, '<address> without address-value', '<address>');
      return parsePapAddress(v);
    });
  switch (name) {
    case 'push-message': {
      const addrs = addresses();
      if (addrs.length === 0)
        throw new PapError(
          2000,
          '<push-message> has no <address> (the DTD requires address+)',
          '<push-message>',
        );
      const qos = el['quality-of-service'];
      const pn = attr('progress-notes-requested');
      if (pn !== undefined && pn !== 'true' && pn !== 'false') {
        throw new PapError(2000, `progress-notes-requested='${pn}'`, 'progress-notes-requested');
      }
      for (const t of ['deliver-before-timestamp', 'deliver-after-timestamp']) {
        const v = attr(t);
        if (v !== undefined && Number.isNaN(Date.parse(v)))
          throw new PapError(2000, `${t}='${v}' is not a date`, t);
      }
      return {
        kind: 'push-message',
        pushId,
        addresses: addrs,
        deliverBefore: attr('deliver-before-timestamp'),
        deliverAfter: attr('deliver-after-timestamp'),
        sourceReference: attr('source-reference'),
        notifyTo: attr('ppg-notify-requested-to'),
        progressNotes: pn === 'true',
        qos:
          qos && typeof qos === 'object'
            ? (Object.fromEntries(Object.entries(qos).filter(([, v]) => typeof v === 'string')) as Record<
                string,
                string
              >)
            : undefined,
      };
    }
    case 'cancel-message':
      return { kind: 'cancel-message', pushId, addresses: addresses() };
    case 'statusquery-message':
      return { kind: 'statusquery-message', pushId, addresses: addresses() };
    case 'resultnotification-response': {
      const code = Number(attr('code'));
      return { kind: 'resultnotification-response', pushId, code: Number.isInteger(code) ? code : 0 };
    }
    default:
      throw new PapError(3001, `<${name}> not implemented by this PPG`, `<${name}>`);
  }
}

const HEAD =
  '<?xml version="1.0"?>\n<!DOCTYPE pap PUBLIC "-//WAPFORUM//DTD PAP 2.0//EN" "http://www.wapforum.org/DTDs/pap_2.0.dtd">\n';

export function xmlEscape(s: string): string {
  const named: Record<string, string> = {
    '<': '&lt;',
    '>': '&gt;',
    '&': '&amp;',
    '"': '&quot;',
    "'": '&apos;',
  };
  return s.replace(/[<>&"']/g, (c) => named[c]);
}

function attrs(a: Record<string, string | number | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
}

/** PAP Datetime: `YYYY-MM-DDThh:mm:ssZ` (WAP-247 §9, %Datetime;). */
export function papDatetime(d = new Date()): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

export function desc(code: number): string {
  return PAP_RESULT_CODES[code] ?? 'Unknown';
}

export function pushResponseXml(o: {
  pushId: string;
  code: number;
  desc?: string;
  senderName?: string;
  /** reply-time (default: now). */
  at?: Date;
}): string {
  return `${HEAD}<pap><push-response${attrs({ 'push-id': o.pushId, 'sender-name': o.senderName, 'reply-time': papDatetime(o.at) })}><response-result${attrs({ code: o.code, desc: o.desc ?? desc(o.code) })}/></push-response></pap>\n`;
}

export function badMessageXml(o: { code: number; desc: string; fragment?: string }): string {
  return `${HEAD}<pap><badmessage-response${attrs({ code: o.code, desc: o.desc, 'bad-message-fragment': o.fragment })}/></pap>\n`;
}

export function resultNotificationXml(o: {
  pushId: string;
  address: string;
  code: number;
  state: PapMessageState;
  desc?: string;
  senderName?: string;
  receivedTime?: string;
  /** event-time (default: now). */
  at?: Date;
}): string {
  return `${HEAD}<pap><resultnotification-message${attrs({
    'push-id': o.pushId,
    'sender-name': o.senderName,
    'received-time': o.receivedTime,
    'event-time': papDatetime(o.at),
    'message-state': o.state,
    code: o.code,
    desc: o.desc ?? desc(o.code),
  })}><address${attrs({ 'address-value': o.address })}/></resultnotification-message></pap>\n`;
}

export function statusQueryResponseXml(o: {
  pushId: string;
  results: Array<{ address?: string; state: PapMessageState; code: number; eventTime?: string }>;
}): string {
  const results = o.results
    .map(
      (r) =>
        `<statusquery-result${attrs({ 'event-time': r.eventTime, 'message-state': r.state, code: r.code, desc: desc(r.code) })}>${
          r.address ? `<address${attrs({ 'address-value': r.address })}/>` : ''
        }</statusquery-result>`,
    )
    .join('');
  return `${HEAD}<pap><statusquery-response${attrs({ 'push-id': o.pushId })}>${results}</statusquery-response></pap>\n`;
}

export function cancelResponseXml(o: {
  pushId: string;
  results: Array<{ address?: string; code: number }>;
}): string {
  const results = o.results
    .map(
      (r) =>
        `<cancel-result${attrs({ code: r.code, desc: desc(r.code) })}>${
          r.address ? `<address${attrs({ 'address-value': r.address })}/>` : ''
        }</cancel-result>`,
    )
    .join('');
  return `${HEAD}<pap><cancel-response${attrs({ 'push-id': o.pushId })}>${results}</cancel-response></pap>\n`;
}
