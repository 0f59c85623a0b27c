import { segmentSms, WAP_PUSH_PORT, WAP_WSP_SOURCE_PORT } from './segment.ts';
import { encodeWspPush, mmsNotificationPush } from './wsp-push.ts';

/**
 * The SMS user data (UDH + fragment, at most 140 octets each) that carry an MMS
 * notification as a WAP push: WDP over SMS to port 2948 from 9200 (WAP-259 §6.5), WSP
 * connectionless push (WAP-230 §8.2.4.1). Submit each with esm_class UDHI (0x40) and
 * data_coding 0x04 (8-bit).
 */
export function wapPushToSms(
  notification: Uint8Array,
  opts: { ref: number; refBits?: 8 | 16; tid?: number; maxOctets?: number },
): Uint8Array[] {
  const push = encodeWspPush(mmsNotificationPush(notification, opts.tid ?? opts.ref & 0xff));
  return segmentSms(push, {
    ports: { source: WAP_WSP_SOURCE_PORT, destination: WAP_PUSH_PORT },
    ref: opts.ref,
    refBits: opts.refBits,
    maxOctets: opts.maxOctets,
  });
}
