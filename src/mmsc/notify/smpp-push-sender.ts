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
import { flowTrace } from '../flow-trace.ts';
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
  'concat-ref-per-segment',
] as const;

/**
 * The UDH an SMSC builds for a SAR segment from its TLVs: UDHL, 16-bit ports (IEI 0x05, 6
 * octets) and a 16-bit reference concatenation element (IEI 0x08, 6 octets), TS 23.040 §9.2.3.24.
 */
const SAR_UDH_OCTETS = 1 + 6 + 6;
/** The same for a push that fits one SMS: ports only. */
const SAR_SINGLE_UDH_OCTETS = 1 + 6;

/** One submit_sm of a push: its user data, whether that starts with a UDH, its TLVs. */
interface PushSegment {
  data: Uint8Array;
  udhi: boolean;
  tlvs?: Readonly<Record<string, number>>;
}

/**
 * WAP push over SMS through an SMSC: the MMS PDU goes into a WSP connectionless push
 * (application/vnd.wap.mms-message for mms.ua), WDP ports 9200 -> 2948 in the UDH,
 * concatenated when it needs more than one SMS (WAP-259 §6.5), each segment a submit_sm. With
 * `concatenation: sar` the ports and the concatenation go in TLVs instead (SMPP 3.4 §5.3.2.20-24)
 * and the SMSC builds the UDH.
 */
export class SmppPushSender implements PushSender {
  readonly kind = 'smpp' as const;
  readonly client: SmppPushClient;
  private ref: number;
  /** The last sar_msg_ref_num (16 bits, SMPP 3.4 §5.3.2.22). */
  private sarRef: number;
  private readonly concatenation: 'udh' | 'sar';
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
    this.sarRef = Math.floor(random() * 65_536);
    this.concatenation = route.concatenation;
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
    const segments = this.concatenation === 'sar' ? this.sarSegments(pdu) : this.udhSegments(pdu);
    try {
      // the label is `<kind>.<message id>`: the message is the fairness lane of the SMPP queue
      const lane = label.slice(label.indexOf('.') + 1);
      // The segments of one push go out back to back inside the window (SMPP 3.4 §2.7: submits need
      // not wait for each other's response), in order, each one's submit_sm_resp awaited together:
      // a push of n segments waits one round trip to the SMSC, not n. Every submit settles before
      // the outcome is decided, so a retry never overlaps a segment still in flight.
      const sent = await Promise.allSettled(
        segments.map((s) => this.client.submitSegment(msisdn, s.data, s.udhi, lane, s.tlvs)),
      );
      const failed = sent.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      flowTrace?.mark(lane, 'submitResp');
    } catch (e) {
      if (e instanceof SmppSubmitError && e.permanent) throw new GiveUp(e.message);
      throw new RetryLater(e instanceof Error ? e.message : String(e));
    }
  }

  private udhSegments(pdu: Uint8Array): PushSegment[] {
    const segments = PUSH_DEVIATIONS.some((d) => deviates(this.deviations, d))
      ? this.deviatingSegments(pdu)
      : wapPushToSms(pdu, { ref: this.ref });
    // SMPP 3.4 §5.2.12: each segment starts with a UDH (UDHI set)
    const udhi = !deviates(this.deviations, 'no-udhi');
    return segments.map((data) => ({ data, udhi }));
  }

  /**
   * SAR (SMPP 3.4 §5.3.2.20-24): the WSP push cut into pieces each of which fits one SMS with the
   * UDH the SMSC builds; no UDH of our own (esm_class without UDHI), the WDP ports in
   * source_port / destination_port, and past one piece sar_msg_ref_num (one per push),
   * sar_total_segments and sar_segment_seqnum (from 1).
   */
  private sarSegments(pdu: Uint8Array): PushSegment[] {
    const payload = encodeWspPush(mmsNotificationPush(pdu, this.ref));
    const ports = { source_port: WAP_WSP_SOURCE_PORT, destination_port: WAP_PUSH_PORT };
    if (payload.length + SAR_SINGLE_UDH_OCTETS <= SMS_MAX_OCTETS)
      return [{ data: payload, udhi: false, tlvs: ports }];
    const room = SMS_MAX_OCTETS - SAR_UDH_OCTETS;
    const total = Math.ceil(payload.length / room);
    if (total > 255) throw new GiveUp(`a push of ${payload.length} octets needs ${total} SMS (255 at most)`);
    const perSegment = deviates(this.deviations, 'concat-ref-per-segment');
    this.sarRef = (this.sarRef + 1) & 0xffff;
    const out: PushSegment[] = [];
    for (let i = 0; i < total; i++) {
      const ref = perSegment ? (this.sarRef + i) & 0xffff : this.sarRef;
      out.push({
        data: payload.subarray(i * room, (i + 1) * room),
        udhi: false,
        tlvs: { ...ports, sar_msg_ref_num: ref, sar_total_segments: total, sar_segment_seqnum: i + 1 },
      });
    }
    if (perSegment) this.sarRef = (this.sarRef + total - 1) & 0xffff;
    return out;
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
    if (deviates(d, 'concat-ref-per-segment')) {
      // segment i carries reference ref + i: no two segments of the push seem to belong together
      const n = segmentSms(payload, { ports, ref: this.ref }).length;
      const out = Array.from(
        { length: n },
        (_, i) => segmentSms(payload, { ports, ref: (this.ref + i) & 0xff })[i]!,
      );
      this.ref = (this.ref + n - 1) & 0xff;
      return out;
    }
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
