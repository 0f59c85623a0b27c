import { wapPushToSms } from '../../codec/push/index.ts';
import type { Timeline } from '../../wire/timeline.ts';
import type { SmppRouteConfig } from '../config.ts';
import type { MmscObserver } from '../observer.ts';
import { GiveUp, RetryLater } from '../store/outbox.ts';
import type { PushSender } from './push-sender.ts';
import { SmppPushClient, SmppSubmitError } from './smpp-push-client.ts';

/**
 * WAP push over SMS through an SMSC: the MMS PDU goes into a WSP connectionless push
 * (application/vnd.wap.mms-message for mms.ua), WDP ports 9200 -> 2948 in the UDH,
 * concatenated when it needs more than one SMS (WAP-259 §6.5), each segment a submit_sm.
 */
export class SmppPushSender implements PushSender {
  readonly kind = 'smpp' as const;
  readonly client: SmppPushClient;
  private ref = Math.floor(Math.random() * 256);

  constructor(route: SmppRouteConfig, observer: MmscObserver, timeline?: Timeline) {
    this.client = new SmppPushClient({ route, observer, ...(timeline ? { timeline } : {}) });
  }

  start(): void {
    this.client.start();
  }

  stop(): Promise<void> {
    return this.client.stop();
  }

  async push(msisdn: string, pdu: Uint8Array, _label: string): Promise<void> {
    this.ref = (this.ref + 1) & 0xff;
    const segments = wapPushToSms(pdu, { ref: this.ref });
    try {
      for (const s of segments) await this.client.submitSegment(msisdn, s, true);
    } catch (e) {
      if (e instanceof SmppSubmitError && e.permanent) throw new GiveUp(e.message);
      throw new RetryLater(e instanceof Error ? e.message : String(e));
    }
  }
}
