import { mmsSummary } from '../../../src/codec/mms/index.ts';
import {
  decodeWspPushLenient,
  isMmsPush,
  pushApplicationId,
  wspPushDefectClause,
} from '../../../src/codec/push/index.ts';
import { mediaTypeText } from '../../../src/codec/wsp/index.ts';
import type { MtSms } from '../../air-interface.ts';
import { publishEncodingDefects } from '../../wap-gateway/mm1-observation.ts';
import type { InboxEntry } from '../handset.ts';
import { headerText } from '../mms-pdus.ts';
import type { HandsetLink } from './handset-link.ts';
import { sendNotifyResp } from './notifyresp.ts';
import { onNotification } from './retrieve.ts';

/**
 * A WAP push over the air interface (WAP-251 push on port 2948, WAP-230 WSP): the MMS PDU it
 * carries goes into the inbox (m-notification-ind, m-delivery-ind, m-read-orig-ind, m-cancel-req);
 * a notification starts the retrieval transaction (retrieve.ts), a re-sent one is answered again.
 */
export function onSms(h: HandsetLink, sms: MtSms): void {
  if (sms.ports && sms.ports.destination !== 2948) {
    h.event(
      'sms-ignored',
      { reason: `destination port ${sms.ports.destination} is not WAP push (2948)` },
      'WAP-PUSH',
    );
    return;
  }
  // A tolerant handset (WAP-230-WSP): a push that breaks the encoding is read as far as it goes, each
  // defect published as an `encoding-defect`, and acted on when its content can still be found.
  const { push, defects } = decodeWspPushLenient(sms.payload);
  if (h.timeline && defects.length > 0) {
    publishEncodingDefects(
      h.timeline,
      { node: h.name, role: h.role, iface: 'WAP-PUSH', peer: 'smsc' },
      push ? 'wsp-push' : undefined,
      defects,
      wspPushDefectClause,
    );
  }
  if (!push) {
    h.event('push-undecodable', { error: defects[0]?.toLine() ?? 'undecodable' }, 'WAP-PUSH');
    return;
  }
  h.timeline?.publish({
    kind: 'message',
    type: 'wsp-push',
    fields: {
      tid: push.tid ?? null,
      pduType: push.pduType,
      contentType: mediaTypeText(push.contentType),
      'X-Wap-Application-Id': pushApplicationId(push) ?? null,
      from: sms.from,
      size: sms.payload.length,
    },
    raw: sms.payload,
    node: h.name,
    role: h.role,
    iface: 'WAP-PUSH',
    direction: 'in',
    peer: 'smsc',
  });
  if (!isMmsPush(push)) {
    h.event('push-ignored', { contentType: mediaTypeText(push.contentType) }, 'WAP-PUSH');
    return;
  }
  const pdu = h.observe(push.body, 'in', 'smsc');
  if (!pdu) return;
  const entry: InboxEntry = {
    index: h.inbox.length,
    type: pdu.type,
    transactionId: headerText(pdu, 'X-Mms-Transaction-Id'),
    contentLocation: headerText(pdu, 'X-Mms-Content-Location'),
    messageId: headerText(pdu, 'Message-ID'),
    from: headerText(pdu, 'From'),
    subject: headerText(pdu, 'Subject'),
    size: Number(headerText(pdu, 'X-Mms-Message-Size') ?? Number.NaN) || undefined,
    state: pdu.type === 'm-notification-ind' ? 'notified' : 'report',
    fields: mmsSummary(pdu),
  };
  if (pdu.type === 'm-notification-ind') {
    // A re-sent notification (the MMSC retrying because our answer was lost): answer again
    // with what we answered before instead of retrieving twice.
    const earlier = h.inbox.find(
      (e) =>
        e.type === 'm-notification-ind' &&
        e.transactionId === entry.transactionId &&
        e.contentLocation === entry.contentLocation &&
        e.notifyStatus !== undefined,
    );
    if (earlier?.notifyStatus) {
      h.event('duplicate-notification', {
        index: earlier.index,
        transactionId: earlier.transactionId ?? null,
      });
      const status = earlier.notifyStatus;
      h.track(sendNotifyResp(h, earlier, status)).catch((e) =>
        h.event('transaction-failed', { error: String(e) }),
      );
      return;
    }
  }
  h.inbox.push(entry);
  if (pdu.type !== 'm-notification-ind') return;
  h.track(onNotification(h, entry)).catch((e) => h.event('transaction-failed', { error: String(e) }));
}
