import {
  encodeUdh,
  encodeWspPush,
  mmsNotificationPush,
  PUSH_APP_IDS,
  SMS_MAX_OCTETS,
  segmentSms,
  udhLength,
  WAP_PUSH_PORT,
  WAP_WSP_SOURCE_PORT,
  wapPushToSms,
} from '../../codec/push/index.ts';
import type { Timeline } from '../../wire/timeline.ts';
import type { SmppRouteConfig } from '../config.ts';
import { deviates } from '../deviations.ts';
import type { MmscObserver } from '../observer.ts';
import { GiveUp, RetryLater } from '../store/outbox.ts';
import type { PushSender } from './push-sender.ts';
import { SmppPushClient, SmppSubmitError } from './smpp-push-client.ts';

/** The deviations of the push itself (src/mmsc/deviations.ts); any of them takes the deviating builder. */
const PUSH_DEVIATIONS = [
  'wrong-push-app-id',
  'wrong-push-content-type',
  'confirmed-push-over-sms',
  'wrong-wdp-port',
  'no-concatenation',
] as const;

/**
 * WAP push over SMS through an SMSC: the MMS PDU goes into a WSP connectionless push
 * (application/vnd.wap.mms-message for mms.ua), WDP ports 9200 -> 2948 in the UDH,
 * concatenated when it needs more than one SMS (WAP-259 §6.5), each segment a submit_sm.
 */
export class SmppPushSender implements PushSender {
  readonly kind = 'smpp' as const;
  readonly client: SmppPushClient;
  private ref: number;
  private readonly deviations: { deviate: readonly string[] };

  constructor(
    route: SmppRouteConfig,
    observer: MmscObserver,
    timeline?: Timeline,
    deviate: readonly string[] = [],
    random: () => number = Math.random,
  ) {
    // the first concatenation reference (WAP-259 §6.5 / TS 23.040 IEI 0x00): any value, from the MMSC's random source
    this.ref = Math.floor(random() * 256);
    this.deviations = { deviate };
    this.client = new SmppPushClient({ route, observer, deviate, ...(timeline ? { timeline } : {}) });
  }

  start(): void {
    this.client.start();
  }

  stop(): Promise<void> {
    return this.client.stop();
  }

  async push(msisdn: string, pdu: Uint8Array, label: string): Promise<void> {
    this.ref = (this.ref + 1) & 0xff;
    const segments = PUSH_DEVIATIONS.some((d) => deviates(this.deviations, d))
      ? this.deviatingSegments(pdu)
      : wapPushToSms(pdu, { ref: this.ref });
    // SMPP 3.4 §5.2.12: each segment starts with a UDH (UDHI set)
    const udhi = !deviates(this.deviations, 'no-udhi');
    try {
      // the label is `<kind>.<message id>`: the message is the fairness lane of the SMPP queue
      const lane = label.slice(label.indexOf('.') + 1);
      for (const s of segments) await this.client.submitSegment(msisdn, s, udhi, lane);
    } catch (e) {
      if (e instanceof SmppSubmitError && e.permanent) throw new GiveUp(e.message);
      throw new RetryLater(e instanceof Error ? e.message : String(e));
    }
  }

  /** wapPushToSms with the push deviations of the config committed. */
  private deviatingSegments(pdu: Uint8Array): Uint8Array[] {
    const d = this.deviations;
    const push = mmsNotificationPush(pdu, this.ref);
    if (deviates(d, 'wrong-push-app-id'))
      push.headers = [{ name: 'X-Wap-Application-Id', value: PUSH_APP_IDS['x-wap-application:wml.ua'] }];
    if (deviates(d, 'wrong-push-content-type'))
      push.contentType = { mediaType: 'application/octet-stream', params: [] };
    if (deviates(d, 'confirmed-push-over-sms')) push.pduType = 'ConfirmedPush';
    const payload = encodeWspPush(push);
    const ports = {
      source: WAP_WSP_SOURCE_PORT,
      destination: deviates(d, 'wrong-wdp-port') ? 2949 : WAP_PUSH_PORT,
    };
    if (!deviates(d, 'no-concatenation')) return segmentSms(payload, { ports, ref: this.ref });
    // each SMS carries the ports only: the receiver cannot tell the pieces belong together
    const udh = { elements: [{ kind: 'port16' as const, ...ports }] };
    const room = SMS_MAX_OCTETS - udhLength(udh);
    const head = encodeUdh(udh);
    const out: Uint8Array[] = [];
    for (let at = 0; at < payload.length; at += room)
      out.push(new Uint8Array(Buffer.concat([head, payload.subarray(at, at + room)])));
    return out;
  }
}
