import {
  decodeMms,
  encodeMms,
  getHeader,
  type MmsPdu,
  type MmsValue,
  validateMms,
} from '../../../codec/mms/index.ts';
import { tokenOfLocation } from '../../ids.ts';
import { lowerVersion, type MmscCore } from '../../mmsc-core.ts';
import { OPEN_STATUSES } from '../../store/message-store.ts';
import {
  confFailure,
  type Mm1Answer,
  type Mm1Context,
  type Mm1Request,
  optional,
  pduAnswer,
  tooManyRecipients,
} from '../mm1-handler.ts';
import { addressesOf, forwardConf, makePdu, textOf, timeOf } from '../pdus.ts';
import { responseStatus } from '../response-status.ts';
import { decideSender } from '../sender-identity.ts';

/**
 * m-forward-req (OMA-TS-MMS_ENC 1.3 §6.5; CTR §8.4): a recipient forwards an MM it was notified of
 * without retrieving it; the MMSC submits it anew (m-send-req form) and answers m-forward-conf.
 */
export async function forwardReq(ctx: Mm1Context, req: Mm1Request): Promise<Mm1Answer> {
  return pduAnswer(await forward(ctx, req.pdu, req.subscriber));
}

async function forward(ctx: Mm1Context, pdu: MmsPdu, subscriber: string | undefined): Promise<MmsPdu> {
  const { core } = ctx;
  const { config } = core;
  const tid = textOf(getHeader(pdu, 'X-Mms-Transaction-Id')) ?? '';
  const v = lowerVersion(textOf(getHeader(pdu, 'X-Mms-MMS-Version')) ?? '1.0', config.mmsVersion);
  const fail = confFailure(forwardConf, tid, v);
  const problems = validateMms(pdu);
  if (problems.length > 0) return fail('format-corrupt', problems[0].toLine());
  const sender = decideSender(
    getHeader(pdu, 'From') as { insertAddress: true } | string | undefined,
    subscriber,
    config.requireMsisdnHeader,
  );
  if (!sender.ok) return fail(sender.problem, sender.text);
  const token = tokenOfLocation(textOf(getHeader(pdu, 'X-Mms-Content-Location')) ?? '');
  const found = token ? core.store.byToken(token) : undefined;
  if (found?.message.state !== 'active') return fail('message-not-found', 'no such message to forward');
  const original = found.message;
  const rcpt = original.recipients[found.index];
  // Only the recipient the location was issued to may forward it (CTR §8.4 forward of a stored MM).
  if (rcpt.msisdn !== sender.msisdn) return fail('service-denied', 'not a recipient of this message');
  const recipients = (['To', 'Cc', 'Bcc'] as const).flatMap((field) =>
    addressesOf(pdu, field).map((address) => ({ address, field })),
  );
  if (recipients.length === 0) return fail('format-corrupt', 'no recipient (To, Cc or Bcc)');
  const tooMany = tooManyRecipients(recipients.length, config);
  if (tooMany) return fail('permanent-failure', tooMany);

  const stored = decodeMms(await core.store.readPdu(original.id));
  const keep = stored.headers.filter(
    (h) =>
      ![
        'X-Mms-Message-Type',
        'X-Mms-Transaction-Id',
        'X-Mms-MMS-Version',
        'From',
        'To',
        'Cc',
        'Bcc',
        'Content-Type',
        'Date',
        'X-Mms-Delivery-Report',
        'X-Mms-Read-Report',
        'X-Mms-Expiry',
        'X-Mms-Delivery-Time',
        'X-Mms-Previously-Sent-By',
        'X-Mms-Previously-Sent-Date',
      ].includes(h.name),
  );
  const now = core.clock.now();
  const fields: Array<[string, MmsValue | undefined]> = [
    ['From', sender.address],
    ...recipients.map((r) => [r.field, r.address] as [string, MmsValue]),
    ['Date', Math.floor(now / 1000)],
    ...keep.map((h) => [h.name, h.value] as [string, MmsValue]),
    ['X-Mms-Delivery-Report', getHeader(pdu, 'X-Mms-Delivery-Report')],
    ['X-Mms-Read-Report', getHeader(pdu, 'X-Mms-Read-Report')],
    ['X-Mms-Expiry', getHeader(pdu, 'X-Mms-Expiry')],
    // ENC §7.3.37/§7.3.38: who sent it before, and when (shown in the recipient's m-retrieve-conf).
    ['X-Mms-Previously-Sent-By', { count: 1, address: original.sender }],
    ['X-Mms-Previously-Sent-Date', { count: 1, date: Math.floor(original.receivedAt / 1000) }],
    ['Content-Type', getHeader(stored, 'Content-Type')],
  ];
  const newPdu = makePdu(
    'm-send-req',
    tid,
    stored.headers.length ? (textOf(getHeader(stored, 'X-Mms-MMS-Version')) ?? v) : v,
    fields,
  );
  if (stored.parts) newPdu.parts = stored.parts;
  if (stored.body) newPdu.body = stored.body;
  const bytes = encodeMms(newPdu, { validate: false });
  let result: Awaited<ReturnType<MmscCore['accept']>>;
  try {
    result = await core.accept({
      origin: 'mm1',
      sender: sender.address,
      transactionId: `fwd:${tid}`,
      mmsVersion: v,
      pdu: bytes,
      recipients,
      contentType: original.contentType,
      ...optional('subject', original.subject),
      ...optional('messageClass', original.messageClass),
      deliveryReport: getHeader(pdu, 'X-Mms-Delivery-Report') === 'Yes',
      readReport: getHeader(pdu, 'X-Mms-Read-Report') === 'Yes',
      ...optional('expiresAt', timeOf(getHeader(pdu, 'X-Mms-Expiry'), now)),
    });
  } catch {
    return fail('transient-failure', 'message could not be stored; try again');
  }
  if (!result.ok)
    return fail(result.transient ? 'address-unresolved-transient' : 'address-unresolved', result.text);
  if (!result.duplicate) {
    await core.setRecipientStatus(original.id, found.index, 'forwarded', {
      onlyFrom: OPEN_STATUSES,
    });
  }
  const copy = await ctx.mmbox.storeOnSubmit(pdu, result.message, sender.msisdn, v);
  return forwardConf(tid, v, responseStatus('ok', v), result.message.id, undefined, copy);
}
