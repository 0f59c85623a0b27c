import { isCodecError } from '../../../codec/codec-error.ts';
import type { Mm7Fields, Mm7Message, Mm7VersionId } from '../../../codec/mm7/index.ts';
import { encodeMms, type MmsPdu, type MmsValue } from '../../../codec/mms/index.ts';
import type { VaspConfig } from '../../config.ts';
import { deviates } from '../../deviations.ts';
import type { AcceptResult, MmscCore } from '../../mmsc-core.ts';
import { formatCorrupt, isTrue, refusedContent } from '../mm7-handler.ts';
import { mm7Addresses, mm7Text, mm7Time, mmsAddressOf, mmsBodyOf, mmsSubject } from '../mm7-mms-mapping.ts';
import { type Reply, rsp } from '../mm7-reply.ts';

/** SubmitReq (TS 23.140 §8.7.1): the MM is stored and routed; SubmitRsp 1000 + MessageID (1100 partial). */
export async function submitReq(
  core: MmscCore,
  msg: Mm7Message,
  vasp: VaspConfig,
  version: Mm7VersionId,
): Promise<Reply> {
  const tid = msg.transactionId;
  const f = msg.fields;
  const fail = (code: number, details: string) => rsp('SubmitRsp', tid, version, code, { details });
  const rc = f.Recipients;
  const recipients: Array<{ address: string; field: 'To' | 'Cc' | 'Bcc' }> = [];
  const bad: string[] = [];
  for (const field of ['To', 'Cc', 'Bcc'] as const) {
    const v = rc && typeof rc === 'object' && !Array.isArray(rc) ? rc[field] : undefined;
    for (const a of mm7Addresses(v)) {
      if (a.displayOnly) continue;
      const address = mmsAddressOf(a);
      if (address) recipients.push({ address, field });
      else bad.push(`${a.kind} ${a.value}`);
    }
  }
  if (recipients.length === 0) {
    return fail(2002, bad.length ? `not an address: ${bad.join(', ')}` : 'no deliverable recipient');
  }
  const max = core.config.maxRecipients;
  if (recipients.length > max && !deviates(core.config, 'unbounded-recipients')) {
    // Status table, 3003 Multiple addresses not supported: the operation on this many recipients
    // is not taken; the VASP MAY resubmit it split into operations on fewer recipients.
    return fail(3003, `too many recipients: ${recipients.length} > ${max}`);
  }
  if (f.Content !== undefined && !msg.content)
    return fail(formatCorrupt(core.config), 'Content@href names no attachment of the request');
  const refused = refusedContent(core.config, msg);
  if (refused) return fail(2004, refused);
  const now = core.clock.now();
  const sender = senderAddress(f, vasp);
  const subject = mm7Text(f.Subject);
  const messageClass = mm7Text(f.MessageClass);
  const priority = mm7Text(f.Priority);
  const deliveryReport = isTrue(mm7Text(f.DeliveryReport));
  const readReport = isTrue(mm7Text(f.ReadReply));
  const expiresAt = mm7Time(mm7Text(f.ExpiryDate), now);
  const deliverAt = mm7Time(mm7Text(f.EarliestDeliveryTime), now);
  const stamp = mm7Time(mm7Text(f.TimeStamp), now) ?? now;
  const body = mmsBodyOf(msg.content);
  const pdu: MmsPdu = {
    type: 'm-send-req',
    headers: [
      { name: 'X-Mms-Message-Type', value: 'm-send-req' },
      { name: 'X-Mms-Transaction-Id', value: tid },
      { name: 'X-Mms-MMS-Version', value: core.config.mmsVersion },
      { name: 'Date', value: Math.floor(stamp / 1000) },
      { name: 'From', value: sender },
      ...recipients.map((r) => ({ name: r.field, value: r.address as MmsValue })),
      ...(subject !== undefined ? [{ name: 'Subject', value: mmsSubject(subject) }] : []),
      ...(messageClass !== undefined ? [{ name: 'X-Mms-Message-Class', value: messageClass }] : []),
      ...(priority !== undefined ? [{ name: 'X-Mms-Priority', value: priority }] : []),
      ...(expiresAt !== undefined
        ? [{ name: 'X-Mms-Expiry', value: { absolute: Math.floor(expiresAt / 1000) } }]
        : []),
      { name: 'X-Mms-Delivery-Report', value: deliveryReport ? 'Yes' : 'No' },
      { name: 'X-Mms-Read-Report', value: readReport ? 'Yes' : 'No' },
      { name: 'Content-Type', value: body.contentType },
    ],
    parts: body.parts,
  };
  let bytes: Uint8Array;
  try {
    bytes = encodeMms(pdu, { validate: false });
  } catch (e) {
    if (!isCodecError(e)) throw e;
    return fail(2007, e.toLine());
  }
  if (bytes.length > core.config.maxMessageSize) {
    return fail(2004, `message too large: ${bytes.length} > ${core.config.maxMessageSize} octets`);
  }
  const originInfo: Record<string, string> = { vaspId: vasp.vaspId, version, transactionId: tid };
  const linked = mm7Text(f.LinkedID);
  const service = mm7Text(f.ServiceCode);
  if (linked) originInfo.linkedId = linked;
  if (service) originInfo.serviceCode = service;
  let result: AcceptResult;
  try {
    result = await core.accept({
      origin: 'mm7',
      originInfo,
      sender,
      // Idempotency key (with the sender): the TransactionID within this VASP.
      transactionId: `${vasp.vaspId}:${tid}`,
      mmsVersion: core.config.mmsVersion,
      pdu: bytes,
      recipients,
      contentType: msg.content?.contentType ?? 'application/vnd.wap.multipart.mixed',
      ...(subject !== undefined ? { subject } : {}),
      ...(messageClass !== undefined ? { messageClass } : {}),
      deliveryReport,
      readReport,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(deliverAt !== undefined ? { deliverAt } : {}),
    });
  } catch (e) {
    core.observer.event('MM7', 'store-failed', { message: (e as Error).message });
    return fail(3000, 'the message could not be stored; try again');
  }
  if (!result.ok) {
    if (result.transient) return fail(4006, result.text);
    return fail(/malformed address/.test(result.text) ? 2002 : 2003, result.text);
  }
  const m = result.message;
  if (result.duplicate) {
    core.observer.event('MM7', 'duplicate-transaction', {
      vaspId: vasp.vaspId,
      transactionId: tid,
      messageId: m.id,
    });
    const partial = m.originInfo?.partial;
    return rsp('SubmitRsp', tid, version, partial ? 1100 : 1000, {
      messageId: m.id,
      ...(partial ? { details: partial } : {}),
    });
  }
  if (result.unresolved.length > 0) {
    const details = `not delivered to: ${result.unresolved.map((u) => u.address).join(', ')}`;
    await core.store.update(m.id, (x) => {
      x.originInfo = { ...(x.originInfo ?? {}), partial: details };
    });
    return rsp('SubmitRsp', tid, version, 1100, { messageId: m.id, details });
  }
  // §8.7.1: the MessageID of the accepted MM
  const messageId = deviates(core.config, 'mm7-no-message-id') ? undefined : m.id;
  return rsp('SubmitRsp', tid, version, 1000, messageId ? { messageId } : {});
}

/** From of the MM: SenderIdentification/SenderAddress, else the VASP's first short code, else its VASPID. */
function senderAddress(f: Mm7Fields, vasp: VaspConfig): string {
  const si = f.SenderIdentification;
  const sa =
    si && typeof si === 'object' && !Array.isArray(si) ? mm7Addresses(si.SenderAddress)[0] : undefined;
  const fromRequest = sa ? mmsAddressOf(sa) : undefined;
  if (fromRequest) return fromRequest;
  const code = vasp.shortCodes[0];
  return code ? `${code}/TYPE=PLMN` : vasp.vaspId;
}
