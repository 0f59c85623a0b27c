import { ByteWriter } from '../bytes.ts';
import { CodecError, EncodeError } from '../codec-error.ts';
import { type ContentType, isMultipartMedia } from '../wsp/index.ts';
import { MMS_HEADERS, type MmsHeaderDef, messageTypeSince, mmsHeaderByName } from './header-table.ts';
import { MMS_MESSAGE_TYPES, type MmsPdu } from './types.ts';
import { headerDefOf, writeMmsHeader } from './write-header.ts';

const UNKNOWN_RE = /^Unknown-0x([0-9A-Fa-f]{2})$/;
const TOKEN_RE = /^[\x21-\x7e]+$/;

/**
 * Checks a PDU against OMA-TS-MMS_ENC-V1_3: header order (§7.1: X-Mms-Message-Type, X-Mms-Transaction-Id
 * (when present), X-Mms-MMS-Version first; Content-Type last), presence per PDU (§6 tables, from the
 * header table), repetition, since-version, each value against its codec, and body/Content-Type agreement.
 * Returns every problem as a CodecError (offset = header index, -1 for the whole PDU); empty when valid.
 */
export function validateMms(pdu: MmsPdu): CodecError[] {
  return checkPdu(pdu, true);
}

/**
 * The checks; `values: false` skips encoding each value (encodeMms does that anyway and reports the first
 * bad value with its header index).
 */
export function checkPdu(pdu: MmsPdu, values: boolean): CodecError[] {
  const errors: CodecError[] = [];
  const type = pdu.type;
  if (!MMS_MESSAGE_TYPES.includes(type)) {
    errors.push(new EncodeError(-1, 'X-Mms-Message-Type', `unknown message type ${JSON.stringify(type)}`));
    return errors;
  }
  const hs = pdu.headers ?? [];
  const n = hs.length;
  // one scan for the positions §7.1 fixes (first match of each, as findIndex would give)
  let tidAt = -1;
  let verAt = -1;
  let ctAt = -1;
  for (let i = 0; i < n; i++) {
    const name = hs[i]?.textual ? undefined : hs[i]?.name;
    if (name === 'X-Mms-Transaction-Id') {
      if (tidAt < 0) tidAt = i;
    } else if (name === 'X-Mms-MMS-Version') {
      if (verAt < 0) verAt = i;
    } else if (name === 'Content-Type') {
      if (ctAt < 0) ctAt = i;
    }
  }
  if (hs[0]?.name !== 'X-Mms-Message-Type' || hs[0].textual) {
    errors.push(new EncodeError(0, 'X-Mms-Message-Type', 'must be the first header (§7.1)'));
  } else if (hs[0].value !== type) {
    errors.push(
      new EncodeError(0, 'X-Mms-Message-Type', `value ${String(hs[0].value)} differs from type ${type}`),
    );
  }
  if (tidAt >= 0 && tidAt !== 1) {
    errors.push(new EncodeError(tidAt, 'X-Mms-Transaction-Id', 'must follow X-Mms-Message-Type (§7.1)'));
  }
  if (verAt >= 0 && verAt !== (tidAt >= 0 ? 2 : 1)) {
    errors.push(
      new EncodeError(
        verAt,
        'X-Mms-MMS-Version',
        'must follow X-Mms-Message-Type and X-Mms-Transaction-Id (§7.1)',
      ),
    );
  }
  const version = verAt >= 0 && typeof hs[verAt].value === 'string' ? (hs[verAt].value as string) : '1.3';
  const typeSince = messageTypeSince(type);
  if (typeSince > version) {
    errors.push(
      new EncodeError(0, 'X-Mms-Message-Type', `${type} needs MMS ${typeSince}, PDU says ${version}`),
    );
  }
  if (ctAt >= 0 && ctAt !== n - 1) {
    errors.push(new EncodeError(ctAt, 'Content-Type', 'must be the last header (§7.1)'));
  }

  // Occurrences per table row, by code (rows are unique per code).
  const counts = new Uint8Array(128);
  for (let i = 0; i < n; i++) {
    const h = hs[i];
    if (typeof h?.name !== 'string') {
      errors.push(new EncodeError(i, 'header', 'header without a name'));
      continue;
    }
    // a textual header is an Application-header whatever its name (see MmsHeader.textual)
    const def = h.textual ? undefined : headerDefOf(h.name);
    if (!def) {
      if (!h.textual && UNKNOWN_RE.test(h.name)) {
        if (!(h.value instanceof Uint8Array))
          errors.push(new EncodeError(i, h.name, 'unknown header code needs raw octets'));
      } else if (!TOKEN_RE.test(h.name)) {
        errors.push(new EncodeError(i, h.name, 'application header name must be a token'));
      } else if (typeof h.value !== 'string') {
        errors.push(new EncodeError(i, h.name, 'application header value must be text'));
      }
      continue;
    }
    if (def.name !== h.name)
      errors.push(new EncodeError(i, h.name, `header name must be spelled ${def.name}`));
    const presence = def.pdus[type];
    if (!presence) {
      errors.push(new EncodeError(i, def.name, `not allowed in ${type} (OMA-TS-MMS_ENC-V1_3 §6)`));
    } else if (def.since > version) {
      errors.push(new EncodeError(i, def.name, `needs MMS ${def.since}, PDU says ${version}`));
    }
    const count = counts[def.code] < 255 ? ++counts[def.code] : 255;
    if (count === 2 && presence && !presence.endsWith('*')) {
      errors.push(new EncodeError(i, def.name, `may appear only once in ${type}`));
    }
    if (ADDRESS_FIELDS.has(def.name)) {
      const why = addressProblem(h.value);
      if (why) errors.push(new EncodeError(i, def.name, why));
    }
    if (!values) continue;
    try {
      scratch.length = 0;
      writeMmsHeader(scratch, h, type, i);
      if (scratch.length > 65_536) scratch = new ByteWriter(256); // do not keep a large value's buffer
    } catch (e) {
      if (e instanceof CodecError) errors.push(new EncodeError(i, e.field, e.reason));
      else throw e;
    }
  }
  for (const def of mandatoryFor(type)) {
    if (counts[def.code] === 0)
      errors.push(new EncodeError(-1, def.name, `mandatory in ${type} (OMA-TS-MMS_ENC-V1_3 §6)`));
  }
  if (
    (type === 'm-send-req' || type === 'm-forward-req') &&
    counts[CODE_TO] === 0 &&
    counts[CODE_CC] === 0 &&
    counts[CODE_BCC] === 0
  ) {
    errors.push(new EncodeError(-1, 'To', `${type} needs at least one of To, Cc, Bcc (§6)`));
  }
  const ct = ctAt >= 0 ? (hs[ctAt].value as ContentType) : undefined;
  if (pdu.parts && pdu.body) errors.push(new EncodeError(-1, 'body', 'both parts and body'));
  if ((pdu.parts || pdu.body) && !ct) {
    errors.push(new EncodeError(-1, 'Content-Type', 'a body needs a Content-Type header'));
  }
  if (ct && typeof ct === 'object' && 'mediaType' in ct) {
    const multi = isMultipartMedia(ct.mediaType);
    if (multi && pdu.body) {
      errors.push(new EncodeError(ctAt, 'Content-Type', 'multipart Content-Type with a single-part body'));
    }
    if (!multi && pdu.parts) {
      errors.push(new EncodeError(ctAt, 'Content-Type', 'parts given but Content-Type is not multipart'));
    }
  }
  return errors;
}

/** Reused by every check (checkPdu runs synchronously to the end: no two checks share it at once). */
let scratch = new ByteWriter(256);

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

const mandatoryCache = new Map<string, MmsHeaderDef[]>();
function mandatoryFor(type: MmsPdu['type']): MmsHeaderDef[] {
  let m = mandatoryCache.get(type);
  if (!m) {
    m = [];
    for (const def of MMS_HEADERS) {
      const p = def.pdus[type];
      if (p === 'M' || p === 'M*') m.push(def);
    }
    mandatoryCache.set(type, m);
  }
  return m;
}

const codeOf = (name: string): number => (mmsHeaderByName(name) as MmsHeaderDef).code;
const CODE_TO = codeOf('To');
const CODE_CC = codeOf('Cc');
const CODE_BCC = codeOf('Bcc');
