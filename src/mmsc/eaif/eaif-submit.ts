import { isCodecError } from '../../codec/codec-error.ts';
import {
  decodeEaif,
  EAIF_BODY_PDU,
  EAIF_CONTENT_TYPE,
  type EaifMessage,
  eaifHeader,
  eaifMessageType,
  eaifRecipients,
  mediaTypeOf,
} from '../../codec/eaif/index.ts';
import {
  buildPdu,
  encodeMms,
  getHeader,
  type MmsPdu,
  type MmsValue,
  validateMms,
} from '../../codec/mms/index.ts';
import { mediaName } from '../../codec/wsp/index.ts';
import type { VaspConfig } from '../config.ts';
import { deviates } from '../deviations.ts';
import { optional } from '../mm1/mm1-handler.ts';
import { addressesOf, mediaTypeOf as mmsMediaType, textOf, timeOf } from '../mm1/pdus.ts';
import type { AcceptResult, MmscCore } from '../mmsc-core.ts';

/**
 * The answer to one EAIF POST (NOKIA-EAIF §4.2, §5): HTTP status, headers and a text body for
 * refusals. NowSMS's EAIF description: a valid submission is answered 204 with
 * X-NOKIA-MMSC-Message-Id; a 4xx or 5xx status is an error. Which 4xx/5xx the guide assigns to
 * which fault could not be read; the reference MMSC's choices are HTTP's own (RFC 9110 §15).
 */
export interface EaifAnswer {
  status: number;
  headers: [string, string][];
  text?: string;
  /** The message as decoded (for the timeline), when it could be. */
  request?: EaifMessage;
}

/** The X-NOKIA-MMSC-Version the reference MMSC writes when the application sent none. */
export const EAIF_VERSION = '1.0';

/** A `+digits`, digits (short code) or address with /TYPE= as the MMS address of the MM (ENC §8). */
export function eaifMmsAddress(a: string): string | undefined {
  const v = a.trim();
  if (/^\+?\d{1,20}$/.test(v)) return `${v}/TYPE=PLMN`;
  if (/^\+?\d{1,20}\/TYPE=PLMN$/i.test(v)) return v.replace(/\/type=plmn$/i, '/TYPE=PLMN');
  if (/^[^@\s]+@[^@\s]+$/.test(v)) return v;
  return undefined;
}

/**
 * A submission from an EAIF application (NOKIA-EAIF §5, originating applications): the body an
 * m-send-req, the recipients those of X-NOKIA-MMSC-To when it is present (it then replaces the
 * PDU's To/Cc/Bcc, as NowSMS and Mbuni read it), else the PDU's; the sender X-NOKIA-MMSC-From,
 * else the PDU's From, else the application's first short code. Stored through core.accept like
 * an MM7 SubmitReq (origin `mm7`, the VASP's id and dialect in originInfo, so reports go back in
 * EAIF form); answered 204 No Content with X-NOKIA-MMSC-Message-Id.
 */
export async function eaifSubmit(
  core: MmscCore,
  vasp: VaspConfig,
  contentType: string,
  rawHeaders: readonly string[],
  body: Uint8Array,
): Promise<EaifAnswer> {
  const cfg = core.config;
  const refuse = (
    status: number,
    text: string,
    version = EAIF_VERSION,
    request?: EaifMessage,
  ): EaifAnswer => ({
    status,
    headers: [['X-NOKIA-MMSC-Version', version]],
    text,
    ...(request ? { request } : {}),
  });
  if (mediaTypeOf(contentType) !== EAIF_CONTENT_TYPE) {
    return refuse(415, `an EAIF body is ${EAIF_CONTENT_TYPE} (NOKIA-EAIF §4.2)`);
  }
  let msg: EaifMessage;
  try {
    msg = decodeEaif({ kind: 'request', rawHeaders, body });
  } catch (e) {
    if (!isCodecError(e)) throw e;
    core.observer.event('EAIF', 'eaif-undecodable', { error: e.toLine(), size: body.length });
    return refuse(400, e.toLine());
  }
  const version = eaifHeader(msg, 'X-NOKIA-MMSC-Version') ?? EAIF_VERSION;
  // answers in the version the application spoke (Mbuni answers with its own; either is read)
  const answer = (status: number, text: string) => refuse(status, text, version, msg);
  const pdu = msg.pdu as MmsPdu;
  // The Message-Type names what the body is; absent, the body says it (tolerant: Mbuni reads the PDU).
  const type = eaifMessageType(msg) ?? 'MultiMediaMessage';
  if (type !== 'MultiMediaMessage' || pdu.type !== 'm-send-req') {
    const what = EAIF_BODY_PDU[type].includes(pdu.type) ? `a ${type}` : `${pdu.type} in a ${type}`;
    return answer(
      400,
      `an application submits a MultiMediaMessage carrying an m-send-req (NOKIA-EAIF §5), not ${what}`,
    );
  }
  const problems = validateMms(pdu);
  if (problems.length > 0) return answer(400, problems[0].toLine());
  const headerTo = eaifRecipients(msg);
  const recipients: Array<{ address: string; field: 'To' | 'Cc' | 'Bcc' }> = [];
  const bad: string[] = [];
  if (headerTo.length > 0) {
    for (const a of headerTo) {
      const address = eaifMmsAddress(a);
      if (address) recipients.push({ address, field: 'To' });
      else bad.push(a);
    }
  } else {
    for (const field of ['To', 'Cc', 'Bcc'] as const)
      for (const address of addressesOf(pdu, field)) recipients.push({ address, field });
  }
  if (bad.length > 0) return answer(400, `not an address: ${bad.join(', ')}`);
  if (recipients.length === 0) return answer(400, 'no recipient (X-NOKIA-MMSC-To, To, Cc or Bcc)');
  if (recipients.length > cfg.maxRecipients && !deviates(cfg, 'unbounded-recipients'))
    return answer(400, `too many recipients: ${recipients.length} > ${cfg.maxRecipients}`);
  if (body.length > cfg.maxMessageSize) {
    return answer(413, `message too large: ${body.length} > ${cfg.maxMessageSize} octets`);
  }
  const fromHeader = eaifHeader(msg, 'X-NOKIA-MMSC-From');
  const fromPdu = getHeader(pdu, 'From');
  const fromText = fromHeader ?? (typeof fromPdu === 'string' ? fromPdu : undefined);
  const sender = fromText
    ? eaifMmsAddress(fromText)
    : vasp.shortCodes[0]
      ? `${vasp.shortCodes[0]}/TYPE=PLMN`
      : undefined;
  if (!sender) return answer(400, `not a sender address: ${fromText ?? '(none)'}`);
  const tid = textOf(getHeader(pdu, 'X-Mms-Transaction-Id')) ?? '';
  // The stored MM: the application's m-send-req with the sender and the recipients decided here.
  const fields: Record<string, MmsValue | MmsValue[]> = {};
  for (const h of pdu.headers) {
    if (h.name === 'X-Mms-Message-Type' || h.name === 'From') continue;
    if (headerTo.length > 0 && (h.name === 'To' || h.name === 'Cc' || h.name === 'Bcc')) continue;
    const prev = fields[h.name];
    fields[h.name] =
      prev === undefined ? h.value : Array.isArray(prev) ? [...prev, h.value] : [prev, h.value];
  }
  fields.From = sender;
  if (headerTo.length > 0) fields.To = recipients.map((r) => r.address);
  const stored = buildPdu('m-send-req', fields, pdu.parts ?? pdu.body);
  const bytes = encodeMms(stored, { validate: false });
  const now = core.clock.now();
  let result: AcceptResult;
  try {
    result = await core.accept({
      origin: 'mm7',
      originInfo: { vaspId: vasp.vaspId, dialect: 'eaif', transactionId: tid, eaifVersion: version },
      sender,
      // idempotency key (with the sender): the application's Transaction-ID
      transactionId: `${vasp.vaspId}:eaif:${tid}`,
      mmsVersion: textOf(getHeader(pdu, 'X-Mms-MMS-Version')) ?? cfg.mmsVersion,
      pdu: bytes,
      recipients,
      contentType: mmsMediaType(getHeader(pdu, 'Content-Type'), mediaName) ?? 'application/octet-stream',
      ...optional('subject', textOf(getHeader(pdu, 'Subject'))),
      ...optional('messageClass', textOf(getHeader(pdu, 'X-Mms-Message-Class'))),
      deliveryReport: getHeader(pdu, 'X-Mms-Delivery-Report') === 'Yes',
      readReport: getHeader(pdu, 'X-Mms-Read-Report') === 'Yes',
      hideSender: getHeader(pdu, 'X-Mms-Sender-Visibility') === 'Hide',
      ...optional('expiresAt', timeOf(getHeader(pdu, 'X-Mms-Expiry'), now)),
      ...optional('deliverAt', timeOf(getHeader(pdu, 'X-Mms-Delivery-Time'), now)),
    });
  } catch (e) {
    core.observer.event('EAIF', 'store-failed', { message: (e as Error).message });
    return answer(500, 'the message could not be stored; try again');
  }
  if (!result.ok) return answer(result.transient ? 503 : 400, result.text);
  if (result.duplicate) {
    core.observer.event('EAIF', 'duplicate-transaction', {
      vaspId: vasp.vaspId,
      transactionId: tid,
      messageId: result.message.id,
    });
  }
  const headers: [string, string][] = [['X-NOKIA-MMSC-Version', version]];
  // NowSMS (EAIF): the 204 answer to a valid submission carries X-NOKIA-MMSC-Message-Id.
  if (!deviates(cfg, 'eaif-no-message-id')) headers.push(['X-NOKIA-MMSC-Message-Id', result.message.id]);
  return { status: deviates(cfg, 'eaif-answer-200') ? 200 : 204, headers, request: msg };
}
