import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomPdu, rng } from '../../../test/support/random-pdu.ts';
import { ByteWriter } from '../bytes.ts';
import { CodecError, EncodeError } from '../codec-error.ts';
import { type ContentType, isMultipartMedia } from '../wsp/index.ts';
import { decodeMms } from './decode-mms.ts';
import { MMS_HEADERS, messageTypeSince, mmsHeaderByName } from './header-table.ts';
import { MMS_MESSAGE_TYPES, type MmsHeader, type MmsPdu } from './types.ts';
import { checkPdu, validateMms } from './validate-mms.ts';
import { writeMmsHeader } from './write-header.ts';

/**
 * checkPdu was rewritten for speed (one scan for the §7.1 positions, counts by code, a reused scratch
 * writer, no closures). This holds it to the straightforward version it replaced, kept here as the
 * reference: the same problems, in the same order, with the same text, for valid PDUs of every type,
 * for each of a family of mutations of them, and for the real PDUs in shared/vectors.
 */

const UNKNOWN_RE = /^Unknown-0x([0-9A-Fa-f]{2})$/;
const TOKEN_RE = /^[\x21-\x7e]+$/;

function referenceCheck(pdu: MmsPdu, values: boolean): CodecError[] {
  const errors: CodecError[] = [];
  const err = (offset: number, field: string, reason: string) =>
    errors.push(new EncodeError(offset, field, reason));
  if (!MMS_MESSAGE_TYPES.includes(pdu.type)) {
    err(-1, 'X-Mms-Message-Type', `unknown message type ${JSON.stringify(pdu.type)}`);
    return errors;
  }
  const hs = pdu.headers ?? [];
  const type = pdu.type;
  if (hs[0]?.name !== 'X-Mms-Message-Type' || hs[0].textual)
    err(0, 'X-Mms-Message-Type', 'must be the first header (§7.1)');
  else if (hs[0].value !== type)
    err(0, 'X-Mms-Message-Type', `value ${String(hs[0].value)} differs from type ${type}`);
  const tidAt = hs.findIndex((h) => !h.textual && h.name === 'X-Mms-Transaction-Id');
  const verAt = hs.findIndex((h) => !h.textual && h.name === 'X-Mms-MMS-Version');
  if (tidAt >= 0 && tidAt !== 1) err(tidAt, 'X-Mms-Transaction-Id', 'must follow X-Mms-Message-Type (§7.1)');
  if (verAt >= 0 && verAt !== (tidAt >= 0 ? 2 : 1)) {
    err(verAt, 'X-Mms-MMS-Version', 'must follow X-Mms-Message-Type and X-Mms-Transaction-Id (§7.1)');
  }
  const version = verAt >= 0 && typeof hs[verAt].value === 'string' ? (hs[verAt].value as string) : '1.3';
  if (messageTypeSince(type) > version) {
    err(0, 'X-Mms-Message-Type', `${type} needs MMS ${messageTypeSince(type)}, PDU says ${version}`);
  }
  const ctAt = hs.findIndex((h) => !h.textual && h.name === 'Content-Type');
  if (ctAt >= 0 && ctAt !== hs.length - 1) err(ctAt, 'Content-Type', 'must be the last header (§7.1)');

  const counts = new Map<string, number>();
  const scratch = new ByteWriter(256);
  hs.forEach((h, i) => {
    if (typeof h?.name !== 'string') {
      err(i, 'header', 'header without a name');
      return;
    }
    const def = h.textual ? undefined : mmsHeaderByName(h.name);
    if (!def) {
      if (UNKNOWN_RE.test(h.name) && !h.textual) {
        if (!(h.value instanceof Uint8Array)) err(i, h.name, 'unknown header code needs raw octets');
      } else if (!TOKEN_RE.test(h.name)) err(i, h.name, 'application header name must be a token');
      else if (typeof h.value !== 'string') err(i, h.name, 'application header value must be text');
      return;
    }
    if (def.name !== h.name) err(i, h.name, `header name must be spelled ${def.name}`);
    const presence = def.pdus[type];
    if (!presence) err(i, def.name, `not allowed in ${type} (OMA-TS-MMS_ENC-V1_3 §6)`);
    else if (def.since > version) err(i, def.name, `needs MMS ${def.since}, PDU says ${version}`);
    const n = (counts.get(def.name) ?? 0) + 1;
    counts.set(def.name, n);
    if (n === 2 && presence && !presence.endsWith('*')) err(i, def.name, `may appear only once in ${type}`);
    if (ADDRESS_FIELDS.has(def.name)) {
      const why = addressProblem(h.value);
      if (why) err(i, def.name, why);
    }
    if (!values) return;
    try {
      scratch.length = 0;
      writeMmsHeader(scratch, h, type, i);
    } catch (e) {
      if (e instanceof CodecError) err(i, e.field, e.reason);
      else throw e;
    }
  });
  for (const hdef of mandatoryFor(type)) {
    if (!counts.has(hdef)) err(-1, hdef, `mandatory in ${type} (OMA-TS-MMS_ENC-V1_3 §6)`);
  }
  if (
    (type === 'm-send-req' || type === 'm-forward-req') &&
    !['To', 'Cc', 'Bcc'].some((n) => counts.has(n))
  ) {
    err(-1, 'To', `${type} needs at least one of To, Cc, Bcc (§6)`);
  }
  const ct = ctAt >= 0 ? (hs[ctAt].value as ContentType) : undefined;
  if (pdu.parts && pdu.body) err(-1, 'body', 'both parts and body');
  if ((pdu.parts || pdu.body) && !ct) err(-1, 'Content-Type', 'a body needs a Content-Type header');
  if (ct && typeof ct === 'object' && 'mediaType' in ct) {
    const multi = isMultipartMedia(ct.mediaType);
    if (multi && pdu.body) err(ctAt, 'Content-Type', 'multipart Content-Type with a single-part body');
    if (!multi && pdu.parts) err(ctAt, 'Content-Type', 'parts given but Content-Type is not multipart');
  }
  return errors;
}

const ADDRESS_FIELDS = new Set(['To', 'Cc', 'Bcc', 'From']);
const ADDRESS_FORMS: RegExp[] = [
  /^\+?[0-9*#.-]+\/TYPE=PLMN$/, // global-phone-number "/TYPE=PLMN"
  /^(?:\d{1,3}\.){3}\d{1,3}\/TYPE=IPv4$/,
  /^[0-9A-Fa-f:]+\/TYPE=IPv6$/,
  /^[^/]+\/TYPE=[A-Za-z0-9_-]+$/, // escaped-value "/TYPE=" address-type
  /@/, // e-mail (RFC 2822 mailbox, display name allowed)
];

/** Address forms of OMA-TS-MMS_ENC-V1_3 §8 (device address with /TYPE=, or e-mail). */
function addressProblem(v: unknown): string | undefined {
  if (typeof v === 'object' && v !== null && 'insertAddress' in v) return undefined;
  const text =
    typeof v === 'string'
      ? v
      : typeof v === 'object' && v !== null && 'text' in v
        ? String(v.text)
        : undefined;
  if (text === undefined) return undefined; // the codec check reports the type
  if (ADDRESS_FORMS.some((re) => re.test(text))) return undefined;
  return `address ${JSON.stringify(text)} is neither NUMBER/TYPE=PLMN, IPv4/IPv6, /TYPE=x nor e-mail (§8)`;
}

const mandatoryCache = new Map<string, string[]>();
function mandatoryFor(type: MmsPdu['type']): string[] {
  let m = mandatoryCache.get(type);
  if (!m) {
    m = [];
    for (const name of ALL_NAMES) {
      const p = mmsHeaderByName(name)?.pdus[type];
      if (p === 'M' || p === 'M*') m.push(name);
    }
    mandatoryCache.set(type, m);
  }
  return m;
}

const ALL_NAMES = MMS_HEADERS.map((h) => h.name);

const lines = (es: CodecError[]) => es.map((e) => e.toLine());

function agree(pdu: MmsPdu, what: string): void {
  for (const values of [true, false]) {
    expect(lines(checkPdu(pdu, values)), `${what} values=${values}`).toEqual(
      lines(referenceCheck(pdu, values)),
    );
  }
}

type Mutation = [name: string, (p: MmsPdu, pick: number) => void];

const at = (p: MmsPdu, k: number) => k % Math.max(1, p.headers.length);
const MUTATIONS: Mutation[] = [
  ['as is', () => undefined],
  [
    'swap two headers',
    (p, k) => {
      if (p.headers.length < 2) return;
      const i = at(p, k);
      const j = at(p, k * 7 + 3);
      [p.headers[i], p.headers[j]] = [p.headers[j], p.headers[i]];
    },
  ],
  ['drop a header', (p, k) => void p.headers.splice(at(p, k), 1)],
  ['duplicate a header', (p, k) => void (p.headers.length && p.headers.push({ ...p.headers[at(p, k)] }))],
  [
    'move Content-Type first',
    (p) => {
      const i = p.headers.findIndex((h) => h.name === 'Content-Type');
      if (i >= 0) p.headers.unshift(...p.headers.splice(i, 1));
    },
  ],
  [
    'version 1.0',
    (p) => {
      for (const h of p.headers) if (h.name === 'X-Mms-MMS-Version') h.value = '1.0';
    },
  ],
  [
    'no version header',
    (p) => {
      p.headers = p.headers.filter((h) => h.name !== 'X-Mms-MMS-Version');
    },
  ],
  [
    'lower-case spelling',
    (p, k) => {
      const i = at(p, k);
      if (p.headers[i]) p.headers[i] = { ...p.headers[i], name: p.headers[i].name.toLowerCase() };
    },
  ],
  [
    'wrong value type',
    (p, k) => {
      const i = at(p, k);
      if (p.headers[i])
        p.headers[i] = { ...p.headers[i], value: { nonsense: true } as unknown as MmsHeader['value'] };
    },
  ],
  ['bad address', (p) => void p.headers.splice(1, 0, { name: 'To', value: 'not an address' })],
  [
    'application headers',
    (p) =>
      void p.headers.splice(
        2,
        0,
        { name: 'X-Ok', value: 'v' },
        { name: 'bad name', value: 'v' },
        { name: 'X-Num', value: 3 },
      ),
  ],
  [
    'unknown codes',
    (p) =>
      void p.headers.splice(
        1,
        0,
        { name: 'Unknown-0x7a', value: new Uint8Array([0x81]) },
        { name: 'Unknown-0x7b', value: 'x' },
      ),
  ],
  ['header of another PDU', (p) => void p.headers.splice(1, 0, { name: 'X-Mms-Cancel-ID', value: 'c' })],
  [
    'type mismatch',
    (p) => {
      if (p.headers[0]) p.headers[0] = { ...p.headers[0], value: 'm-send-conf' };
    },
  ],
  [
    'body and parts',
    (p) => {
      p.body = new Uint8Array([1, 2]);
      p.parts ??= [];
    },
  ],
  [
    'no headers',
    (p) => {
      p.headers = [];
    },
  ],
  [
    'unknown type',
    (p) => {
      p.type = 'm-nonsense' as MmsPdu['type'];
    },
  ],
];

describe('checkPdu keeps the reference behaviour', () => {
  for (const type of MMS_MESSAGE_TYPES) {
    it(type, () => {
      const r = rng(0xc4ec ^ type.length);
      for (let i = 0; i < 6; i++) {
        for (const [name, mutate] of MUTATIONS) {
          const pdu = randomPdu(type, r);
          mutate(pdu, Math.floor(r() * 1000));
          agree(pdu, `${type} #${i} ${name}`);
        }
      }
    });
  }

  it('the mutations do produce problems (the comparison is not of two empty lists)', () => {
    const r = rng(7);
    let faulted = 0;
    for (const [, mutate] of MUTATIONS.slice(1)) {
      const pdu = randomPdu('m-send-req', r);
      mutate(pdu, 3);
      if (validateMms(pdu).length > 0) faulted += 1;
    }
    expect(faulted).toBeGreaterThan(MUTATIONS.length / 2);
  });

  const vectors = path.resolve(import.meta.dirname, '../../..', '../shared/vectors/mms-pdus');
  const present = existsSync(vectors);
  if (!present) console.log(`[validate-mms] ${vectors} absent: real-PDU comparison skipped`);
  it.skipIf(!present)('every real PDU of shared/vectors', () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => {
        const p = path.join(dir, n);
        if (statSync(p).isDirectory()) return walk(p);
        return /\.(txt|md)$/.test(n) ? [] : [p];
      });
    let n = 0;
    for (const f of walk(vectors)) {
      let pdu: MmsPdu;
      try {
        pdu = decodeMms(new Uint8Array(readFileSync(f)));
      } catch {
        continue;
      }
      agree(pdu, path.relative(vectors, f));
      n += 1;
    }
    expect(n).toBeGreaterThan(10);
  });
});
