import { getHeader, type MmsPdu, type MmsValue, validateMms } from '../../../codec/mms/index.ts';
import { mediaName } from '../../../codec/wsp/index.ts';
import { deviates } from '../../deviations.ts';
import { flowTrace } from '../../flow-trace.ts';
import { parseMmsAddress } from '../../mm5/address.ts';
import { lowerVersion, type MmscCore } from '../../mmsc-core.ts';
import {
  confFailure,
  type Mm1Answer,
  type Mm1Context,
  type Mm1Request,
  optional,
  pduAnswer,
  tooManyRecipients,
} from '../mm1-handler.ts';
import { addressesOf, mediaTypeOf, sendConf, textOf, timeOf } from '../pdus.ts';
import { responseStatus } from '../response-status.ts';
import { decideSender, type SenderDecision } from '../sender-identity.ts';

/** m-send-req (OMA-TS-MMS_ENC 1.3 §6.1.1; CTR §8.1): the MM is stored and routed, m-send-conf answers. */
export async function sendReq(ctx: Mm1Context, req: Mm1Request): Promise<Mm1Answer> {
  return pduAnswer(await send(ctx, req.pdu, req.raw, req.subscriber));
}

async function send(
  ctx: Mm1Context,
  pdu: MmsPdu,
  raw: Uint8Array,
  subscriber: string | undefined,
): Promise<MmsPdu> {
  const { core } = ctx;
  const { config } = core;
  const t0 = flowTrace ? performance.now() : 0;
  const tid = textOf(getHeader(pdu, 'X-Mms-Transaction-Id')) ?? '';
  const clientVersion = textOf(getHeader(pdu, 'X-Mms-MMS-Version')) ?? '1.0';
  // ENC §7.3.34: a PDU of an unsupported major version gets Error-unsupported-message.
  const unknownMajor = !/^1\.\d+$/.test(clientVersion);
  if (unknownMajor && !deviates(config, 'accept-unknown-major-version')) {
    return sendConf(
      tid,
      config.mmsVersion,
      responseStatus('unsupported-message', '1.0'),
      undefined,
      `MMS version ${clientVersion} not supported`,
    );
  }
  const v = deviates(config, 'send-conf-version-not-negotiated')
    ? config.mmsVersion
    : lowerVersion(clientVersion, config.mmsVersion);
  const fail = confFailure(sendConf, tid, v);

  const problems = validateMms(pdu);
  // (a PDU of an unknown major version reaches here only when deviating: it is not judged by 1.x rules)
  if (problems.length > 0 && !unknownMajor) return fail('format-corrupt', problems[0].toLine());
  const from = getHeader(pdu, 'From') as { insertAddress: true } | string | undefined;
  const sender: SenderDecision =
    deviates(config, 'trust-from') && typeof from === 'string' && parseMmsAddress(from)?.kind === 'plmn'
      ? { ok: true, msisdn: subscriber ?? '', address: from, inserted: false }
      : decideSender(from, subscriber, config.requireMsisdnHeader);
  if (!sender.ok) return fail(sender.problem, sender.text);
  const recipients = (['To', 'Cc', 'Bcc'] as const).flatMap((field) =>
    addressesOf(pdu, field).map((address) => ({ address, field })),
  );
  if (recipients.length === 0) return fail('format-corrupt', 'no recipient (To, Cc or Bcc)');
  const tooMany = tooManyRecipients(recipients.length, config);
  if (tooMany && deviates(config, 'truncate-recipients')) recipients.splice(config.maxRecipients);
  else if (tooMany) return fail('permanent-failure', tooMany);
  if (raw.length > config.maxMessageSize && !deviates(config, 'accept-oversize')) {
    // ENC 1.3 has no "message too large" response status: content not accepted, with the reason.
    return fail('content-not-accepted', `message too large: ${raw.length} > ${config.maxMessageSize} octets`);
  }
  const refused = refusedContent(config.allowedContentTypes, pdu);
  if (refused) return fail('content-not-accepted', `content type not accepted: ${refused}`);
  // Reply charging (OMA-TS-MMS_ENC-V1_3 §7.3.43) is not offered here: a request for it is refused with
  // Error-permanent-reply-charging-not-supported (§7.3.48), never passed on as if it were granted.
  const replyCharging = getHeader(pdu, 'X-Mms-Reply-Charging');
  if (
    (replyCharging === 'Requested' || replyCharging === 'Requested text only') &&
    !deviates(config, 'accept-reply-charging')
  )
    return fail('reply-charging-not-supported', 'reply charging is not supported by this MMSC');

  const now = core.clock.now();
  let result: Awaited<ReturnType<MmscCore['accept']>>;
  try {
    result = await core.accept({
      origin: 'mm1',
      sender: sender.address,
      transactionId: tid,
      mmsVersion: clientVersion,
      pdu: raw,
      recipients,
      contentType: mediaTypeOf(getHeader(pdu, 'Content-Type'), mediaName) ?? 'application/octet-stream',
      ...optional('subject', textOf(getHeader(pdu, 'Subject'))),
      ...optional('messageClass', textOf(getHeader(pdu, 'X-Mms-Message-Class'))),
      deliveryReport: getHeader(pdu, 'X-Mms-Delivery-Report') === 'Yes',
      readReport: getHeader(pdu, 'X-Mms-Read-Report') === 'Yes',
      hideSender: getHeader(pdu, 'X-Mms-Sender-Visibility') === 'Hide',
      ...optional('expiresAt', timeOf(getHeader(pdu, 'X-Mms-Expiry'), now)),
      ...optional('deliverAt', timeOf(getHeader(pdu, 'X-Mms-Delivery-Time'), now)),
    });
  } catch (e) {
    core.observer.event('MM1', 'store-failed', { message: (e as Error).message });
    return fail('transient-failure', 'message could not be stored; try again');
  }
  if (!result.ok)
    return fail(result.transient ? 'address-unresolved-transient' : 'address-unresolved', result.text);
  if (result.duplicate)
    core.observer.event('MM1', 'duplicate-transaction', {
      transactionId: tid,
      messageId: result.message.id,
    });
  const text = result.unresolved.length
    ? `not delivered to: ${result.unresolved.map((u) => u.address).join(', ')}`
    : undefined;
  const stored = await ctx.mmbox.storeOnSubmit(pdu, result.message, sender.msisdn, v);
  if (flowTrace && !result.duplicate) {
    flowTrace.mark(result.message.id, 'recv', t0);
    flowTrace.mark(result.message.id, 'conf');
  }
  return sendConf(
    deviates(config, 'wrong-tid-echo')
      ? core.ids.newTransactionId('S')
      : deviates(config, 'cut-transaction-id')
        ? tid.slice(0, 32)
        : tid,
    v,
    responseStatus('ok', v),
    deviates(config, 'no-message-id') ? undefined : result.message.id,
    text,
    stored,
  );
}

/** The first media type (top level or a part) that the config does not allow, if any. */
function refusedContent(allowed: readonly string[], pdu: MmsPdu): string | undefined {
  const top = mediaTypeOf(getHeader(pdu, 'Content-Type'), mediaName);
  if (!top) return 'missing';
  const multipart = top.startsWith('application/vnd.wap.multipart.') || top.startsWith('multipart/');
  if (!multipart && !typeAllowed(allowed, top)) return top;
  for (const part of pdu.parts ?? []) {
    const t = mediaTypeOf(part.contentType as MmsValue, mediaName) ?? 'application/octet-stream';
    if (!typeAllowed(allowed, t)) return t;
  }
  return undefined;
}

// a media type against the configured list: *, */*, type/* or the exact type
function typeAllowed(allowed: readonly string[], t: string): boolean {
  for (const a of allowed) {
    if (a === '*' || a === '*/*' || a === t || (a.endsWith('/*') && t.startsWith(a.slice(0, -1))))
      return true;
  }
  return false;
}
