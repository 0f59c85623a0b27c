import { isCodecError } from '../../src/codec/codec-error.ts';
import {
  CLASS_IN,
  type DnsMessage,
  type DnsRecord,
  decodeDnsMessage,
  encodeDnsMessage,
  RCODE,
} from '../../src/codec/dns/dns-message.ts';
import { enumDomainToE164, mmscDomain, mmsNaptrRegexp } from './enum.ts';
import type { HlrDirectory } from './hlr-directory.ts';

export interface ResponderOptions {
  /** Answer every query SERVFAIL (behaviour `servfail`). */
  servfail?: boolean;
  /** Answer every name NXDOMAIN (behaviour `nxdomain-all`). */
  nxdomainAll?: boolean;
  /** Over UDP, answer with TC set and no records so the client retries over TCP (behaviour `truncate`, RFC 1035 §4.2.1). */
  truncateUdp?: boolean;
  transport: 'udp' | 'tcp';
  ttl?: number;
  /**
   * Put a second E2U+mms record before the real one, of a worse order (100 against 10), naming
   * this domain (behaviour `decoy-naptr`): a resolver must take the lowest order first
   * (RFC 3403 §4.1, RFC 6116 §3.4), whatever the records' order in the answer.
   */
  decoyDomain?: string;
}

export interface DnsExchange {
  /** The decoded query, when it decoded. */
  query?: DnsMessage;
  /** `offset N: FIELD: reason` when it did not. */
  error?: string;
  /** The response (undefined when the input is too short to carry an ID to answer). */
  response?: DnsMessage;
  bytes?: Uint8Array;
}

const T = { A: 1, NS: 2, SOA: 6, MX: 15, NAPTR: 35, ANY: 255 } as const;
const OPCODE_QUERY = 0;

function soa(zone: string, ttl: number): DnsRecord {
  return {
    name: zone,
    type: T.SOA,
    class: CLASS_IN,
    ttl,
    data: {
      mname: `ns.${zone}`,
      rname: `hostmaster.${zone}`,
      serial: 1,
      refresh: 3600,
      retry: 600,
      expire: 86400,
      minimum: ttl,
    },
  };
}

function reply(query: DnsMessage | { id: number; opcode: number; rd: boolean }, rcode: number): DnsMessage {
  const q = 'flags' in query ? query : undefined;
  const head = 'flags' in query ? { opcode: query.flags.opcode, rd: query.flags.rd } : query;
  return {
    id: query.id,
    flags: {
      qr: true,
      opcode: head.opcode,
      aa: true,
      tc: false,
      rd: head.rd,
      ra: false,
      z: 0,
      rcode,
    },
    questions: q && q.flags.opcode === OPCODE_QUERY ? q.questions : [],
    answers: [],
    authorities: [],
    additionals: [],
  };
}

function questionRoundTrips(buf: Uint8Array, query: DnsMessage): boolean {
  let again: Uint8Array;
  try {
    again = encodeDnsMessage({ ...query, answers: [], authorities: [], additionals: [] });
  } catch (e) {
    if (!isCodecError(e)) throw e;
    return false;
  }
  if (buf.length < again.length) return false;
  for (let i = 12; i < again.length; i++) if (buf[i] !== again[i]) return false;
  return true;
}

/**
 * The MM5 DNS server's logic, without sockets: one query in, one response out.
 * ENUM (RFC 6116) NAPTR for subscribers, A / MX for MMSC domains (GSMA IR.52), NXDOMAIN for
 * unknown names, FORMERR for malformed queries, NOTIMP for opcodes other than QUERY.
 */
export function answerDns(buf: Uint8Array, dir: HlrDirectory, opts: ResponderOptions): DnsExchange {
  const ttl = opts.ttl ?? 60;
  let query: DnsMessage;
  try {
    query = decodeDnsMessage(buf);
  } catch (e) {
    if (!isCodecError(e)) throw e;
    // RFC 1035 §4.1.1: FORMERR, echoing the ID when the header got that far.
    if (buf.length < 2) return { error: e.toLine() };
    const id = (buf[0] << 8) | buf[1];
    const opcode = buf.length >= 3 ? (buf[2] >> 3) & 0x0f : 0;
    const rd = buf.length >= 3 ? (buf[2] & 0x01) !== 0 : false;
    const response = reply({ id, opcode, rd }, RCODE.FORMERR);
    return { error: e.toLine(), response, bytes: encodeDnsMessage(response) };
  }
  const done = (response: DnsMessage): DnsExchange => {
    try {
      return { query, response, bytes: encodeDnsMessage(response) };
    } catch (e) {
      if (!isCodecError(e)) throw e;
      // Anything the decoder read but the encoder refuses (a safety net: the codec writes back
      // every name it reads, a label holding a dot as an escape) is a query we cannot answer
      // about: FORMERR (RFC 1035 §4.1.1) with no question section, which always encodes.
      const refused = { ...reply(query, RCODE.FORMERR), questions: [] };
      return { query, error: e.toLine(), response: refused, bytes: encodeDnsMessage(refused) };
    }
  };
  if (query.flags.qr) return done(reply(query, RCODE.FORMERR));
  if (query.flags.opcode !== OPCODE_QUERY) return done(reply(query, RCODE.NOTIMP));
  // RFC 1035 allows QDCOUNT > 1 but no server answers it; RFC 9619 makes 1 the rule.
  if (query.questions.length !== 1 || query.answers.length > 0 || query.authorities.length > 0) {
    return done(reply(query, RCODE.FORMERR));
  }
  // The one question's name cannot be compressed (nothing precedes it), so it must read back to
  // the same octets: one that re-encodes otherwise (a compression pointer into the header) names
  // nothing we could answer about without changing the question (RFC 1035 §4.1.1: FORMERR).
  // A label holding a '.' is a name like any other (RFC 2181 §11): the codec keeps it as an escape.
  if (!questionRoundTrips(buf, query)) {
    const formerr = { ...reply(query, RCODE.FORMERR), questions: [] };
    return {
      query,
      error: 'QNAME: a label that does not read back as written',
      response: formerr,
      bytes: encodeDnsMessage(formerr),
    };
  }
  if (opts.servfail) return done(reply(query, RCODE.SERVFAIL));
  const q = query.questions[0];
  const name = q.name.toLowerCase();
  if (q.class !== CLASS_IN) return done(reply(query, RCODE.REFUSED));
  const response = reply(query, RCODE.NOERROR);
  if (opts.nxdomainAll) {
    response.flags.rcode = RCODE.NXDOMAIN;
    return done(response);
  }
  if (opts.truncateUdp && opts.transport === 'udp') {
    response.flags.tc = true;
    return done(response);
  }
  const e164 = enumDomainToE164(name);
  if (e164 !== undefined || name === 'e164.arpa' || name.endsWith('.e164.arpa')) {
    const sub = e164 ? dir.get(e164) : undefined;
    if (!sub) {
      response.flags.rcode = RCODE.NXDOMAIN;
      response.authorities.push(soa('e164.arpa', ttl));
      return done(response);
    }
    if (q.type === T.NAPTR || q.type === T.ANY) {
      // RFC 6116 §3.4 / RFC 4355 'E2U+mms:mailto': terminal rule ("u"), MMS address of the subscriber;
      // the decoy (worse order) first in the answer, the real record after it
      const naptr = (order: number, domain: string): DnsRecord => ({
        name: q.name,
        type: T.NAPTR,
        class: CLASS_IN,
        ttl,
        data: {
          order,
          preference: 10,
          flags: 'u',
          services: 'E2U+mms:mailto',
          regexp: mmsNaptrRegexp(sub.msisdn, domain),
          replacement: '',
        },
      });
      if (opts.decoyDomain) response.answers.push(naptr(100, opts.decoyDomain));
      response.answers.push(naptr(10, mmscDomain(sub.mcc, sub.mnc)));
    } else {
      response.authorities.push(soa('e164.arpa', ttl));
    }
    return done(response);
  }
  const address = dir.domainAddress(name);
  if (!address) {
    response.flags.rcode = RCODE.NXDOMAIN;
    return done(response);
  }
  if (q.type === T.A || q.type === T.ANY) {
    response.answers.push({ name: q.name, type: T.A, class: CLASS_IN, ttl, data: address });
  }
  if (q.type === T.MX || q.type === T.ANY) {
    response.answers.push({
      name: q.name,
      type: T.MX,
      class: CLASS_IN,
      ttl,
      data: { preference: 10, exchange: name },
    });
    if (q.type === T.MX) response.additionals.push({ name, type: T.A, class: CLASS_IN, ttl, data: address });
  }
  if (response.answers.length === 0) response.authorities.push(soa(name, ttl));
  return done(response);
}
