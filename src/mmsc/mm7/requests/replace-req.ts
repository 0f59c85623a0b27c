import type { Mm7Message, Mm7VersionId } from '../../../codec/mm7/index.ts';
import { decodeMms, encodeMms, getHeader, type MmsPdu, type MmsValue } from '../../../codec/mms/index.ts';
import type { VaspConfig } from '../../config.ts';
import type { AcceptResult, MmscCore } from '../../mmsc-core.ts';
import { isOpen } from '../../store/message-store.ts';
import { isTrue, refusedContent, stateOf, vaspMessage } from '../mm7-handler.ts';
import { mm7Text, mm7Time, mmsBodyOf } from '../mm7-mms-mapping.ts';
import { type Reply, rsp } from '../mm7-reply.ts';

/**
 * ReplaceReq (TS 23.140 §8.7.3): new content for an MM no recipient has retrieved, stored as a
 * new MM that replaces the old one (ReplaceRsp 1000); 3001 Not Possible once a recipient has it.
 */
export async function replaceReq(
  core: MmscCore,
  msg: Mm7Message,
  vasp: VaspConfig,
  version: Mm7VersionId,
): Promise<Reply> {
  const tid = msg.transactionId;
  const f = msg.fields;
  const id = mm7Text(f.MessageID) ?? '';
  const m = vaspMessage(core, vasp.vaspId, id);
  if (!m) return rsp('ReplaceRsp', tid, version, 2005, { details: `no message ${id}` });
  // §8.7.3: only an MM not yet delivered can be replaced; once a recipient has it, 3001 Not Possible.
  if (m.state !== 'active' || !m.recipients.every((r) => isOpen(r.status))) {
    return rsp('ReplaceRsp', tid, version, 3001, { details: `message ${id} is ${stateOf(m)}` });
  }
  if (f.Content !== undefined && !msg.content)
    return rsp('ReplaceRsp', tid, version, 2007, {
      details: 'Content@href names no attachment of the request',
    });
  const refused = refusedContent(core.config, msg);
  if (refused) return rsp('ReplaceRsp', tid, version, 2004, { details: refused });
  const old = decodeMms(await core.store.readPdu(m.id));
  const now = core.clock.now();
  const readReply = mm7Text(f.ReadReply);
  const readReport = readReply === undefined ? m.readReport : isTrue(readReply);
  const deliverAt = mm7Time(mm7Text(f.EarliestDeliveryTime), now);
  const headers = old.headers.filter(
    (h) =>
      !['Content-Type', 'X-Mms-Read-Report', 'X-Mms-Replace-ID', 'X-Mms-Transaction-Id'].includes(h.name),
  );
  const ti = headers.findIndex((h) => h.name === 'X-Mms-Message-Type');
  headers.splice(ti + 1, 0, { name: 'X-Mms-Transaction-Id', value: tid });
  headers.push({ name: 'X-Mms-Read-Report', value: readReport ? 'Yes' : 'No' });
  // OMA-TS-MMS_ENC 1.3 §7.3 X-Mms-Replace-ID names the MM this one replaces (shown in m-retrieve-conf).
  headers.push({ name: 'X-Mms-Replace-ID', value: m.originInfo?.vaspMessageId ?? m.id });
  const pdu: MmsPdu = { type: 'm-send-req', headers };
  if (msg.content) {
    const body = mmsBodyOf(msg.content);
    pdu.headers.push({ name: 'Content-Type', value: body.contentType });
    pdu.parts = body.parts;
  } else {
    pdu.headers.push({ name: 'Content-Type', value: getHeader(old, 'Content-Type') as MmsValue });
    if (old.parts) pdu.parts = old.parts;
    if (old.body) pdu.body = old.body;
  }
  const bytes = encodeMms(pdu, { validate: false });
  if (bytes.length > core.config.maxMessageSize)
    return rsp('ReplaceRsp', tid, version, 2004, { details: 'message too large' });
  const vaspMessageId = m.originInfo?.vaspMessageId ?? m.id;
  let result: AcceptResult;
  try {
    result = await core.accept({
      origin: 'mm7',
      originInfo: { ...(m.originInfo ?? {}), version, vaspMessageId, replaces: m.id },
      sender: m.sender,
      transactionId: `${vasp.vaspId}:replace:${tid}`,
      mmsVersion: m.mmsVersion,
      pdu: bytes,
      recipients: m.recipients.map((r) => ({ address: r.address, field: r.field })),
      contentType: msg.content?.contentType ?? m.contentType,
      ...(m.subject !== undefined ? { subject: m.subject } : {}),
      ...(m.messageClass !== undefined ? { messageClass: m.messageClass } : {}),
      deliveryReport: m.deliveryReport,
      readReport,
      expiresAt: m.expiresAt,
      ...(deliverAt !== undefined
        ? { deliverAt }
        : m.deliverAt !== undefined
          ? { deliverAt: m.deliverAt }
          : {}),
    });
  } catch (e) {
    core.observer.event('MM7', 'store-failed', { message: (e as Error).message });
    return rsp('ReplaceRsp', tid, version, 3000, { details: 'the replacement could not be stored' });
  }
  if (!result.ok) return rsp('ReplaceRsp', tid, version, 3001, { details: result.text });
  // A repeat of a replacement already done (its answer forgotten by a restart): same answer.
  if (result.message.id === m.id || result.message.originInfo?.replaces !== m.id) {
    return rsp('ReplaceRsp', tid, version, 1000);
  }
  // The old MM stops (its notified-not-retrieved 1.3 clients get m-cancel-req); the VASP keeps
  // using the MessageID it knows: lookups follow `replacedBy`, reports carry `vaspMessageId`.
  await core.store.update(m.id, (x) => {
    x.originInfo = { ...(x.originInfo ?? {}), replacedBy: result.message.id };
  });
  await core.cancel(m.id);
  core.observer.event('MM7', 'replaced', { messageId: vaspMessageId, stored: result.message.id });
  return rsp('ReplaceRsp', tid, version, 1000);
}
