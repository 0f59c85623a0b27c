import type { ActionDefs } from '../peer.ts';
import { CLEAR_BEHAVIOURS_DEF, CONTENT_PARAMS, configureTargetDef } from '../peer-actions.ts';

/** An MM4 report towards the target (3GPP TS 23.140 §8.4.2, §8.4.3). */
const REPORT = {
  messageId: 'X-Mms-Message-ID of the original message',
  from: 'From (the reporting recipient)',
  to: 'To (the original sender)',
  transactionId: 'X-Mms-Transaction-ID (default a fresh one)',
  ackRequest: 'false: no X-Mms-Ack-Request',
  status: 'X-Mms-MMS-Status (delivery report) or X-Mms-Read-Status (read reply)',
  statusText: 'X-Mms-Status-Text',
  rcptTo: 'SMTP RCPT TO (default the system address of the To domain)',
} as const;

/** The remote MMSC's actions (mocks/remote-mmsc/remote-mmsc.ts binds one method to each). */
export const REMOTE_MMSC_ACTIONS = {
  forward: {
    description: 'MM4_forward.REQ over SMTP (3GPP TS 23.140 §8.4.1)',
    params: {
      from: 'From',
      to: 'To address(es)',
      cc: 'Cc address(es)',
      rcptRange:
        'more envelope recipients first (fan-out): { prefix, count, first?, suffix? } (mocks/mail/smtp-send.ts rangeRecipients)',
      headers: 'extra header fields { name: value }',
      ackRequest: 'false: no X-Mms-Ack-Request',
      transactionId: 'X-Mms-Transaction-ID (default a fresh one)',
      messageId: 'X-Mms-Message-ID (default a fresh one)',
      subject: 'Subject',
      subjectCharset: 'write the Subject as one RFC 2047 B word in this charset (iso-8859-1, shift_jis...)',
      deliveryReport: 'X-Mms-Delivery-Report',
      readReply: 'X-Mms-Read-Reply',
      messageClass: 'X-Mms-Message-Class',
      priority: 'X-Mms-Priority',
      originatorSystem: 'X-Mms-Originator-System and Sender (default system-user@ our domain)',
      waitMs: 'wait this long for the MM4_forward.RES (default 0: do not wait)',
      validate: 'false: send even what our own MM4 validator refuses',
      ...CONTENT_PARAMS,
      parts:
        'a list of parts { contentType, content (text or {$base64}) | media (src/codec/media kind) with size?, charset? (of a text content), contentId?, filename? }',
    },
  },
  'clear-behaviours': CLEAR_BEHAVIOURS_DEF,
  deliveryReport: { description: 'MM4_delivery_report.REQ (3GPP TS 23.140 §8.4.2)', params: REPORT },
  readReply: { description: 'MM4_read_reply_report.REQ (3GPP TS 23.140 §8.4.3)', params: REPORT },
  received: {
    description: 'the MM4 messages the remote MMSC received',
    params: { type: 'only this MM4 type (MM4_forward.REQ...)', clear: 'true: forget them after' },
  },
  configure: configureTargetDef('smtp URL'),
} as const satisfies ActionDefs;
