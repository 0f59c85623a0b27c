import type http from 'node:http';
import type { MmsPdu } from '../../../src/codec/mms/index.ts';
import type { Json, JsonObject } from '../../../src/util/json.ts';
import type { Timeline } from '../../../src/wire/timeline.ts';
import type { BehaviourSpec } from '../../peer.ts';
import type { DeviceProfile, MmsVersion } from '../device-profile.ts';
import type { InboxEntry, RetrievalMode } from '../inbox-entry.ts';
import { headerText } from '../mms-pdus.ts';

/**
 * What an exchange of the handset (one file per PDU exchange under exchanges/) uses of the handset:
 * its identity, inbox and behaviours, and its MM1 transport. The Handset (handset.ts) is the one
 * implementation; it keeps the state, the exchanges keep the protocol.
 */
export interface HandsetLink {
  /** `ue.<name>`. */
  readonly name: string;
  readonly role: 'ue';
  readonly msisdn: string;
  readonly profile: DeviceProfile;
  /** X-Mms-MMS-Version of what it sends (the profile's). */
  readonly version: MmsVersion;
  readonly timeline: Timeline | undefined;
  readonly inbox: InboxEntry[];
  readonly retrievalMode: RetrievalMode;
  /** The WAP gateway as HTTP proxy, if any; the MMSC's MM1 URL, if configured. */
  readonly gateway: string | undefined;
  readonly mmsc: string | undefined;
  /** Robustness probes' own agent (never a pooled connection). */
  readonly probeAgent: http.Agent;
  /** Cancels of misbehaving connections held in the background (stop() cancels them). */
  readonly holds: Set<() => void>;
  /** The behaviour of that kind in force, if any. */
  has(kind: string): BehaviourSpec | undefined;
  /** A local event of this handset on the timeline. */
  event(name: string, detail: Json, iface?: 'MM1' | 'WAP-PUSH'): void;
  /** A transaction the handset started on its own (stop() waits for it). */
  track<T>(p: Promise<T>): Promise<T>;
  /** Publishes an MMS PDU this handset sent or received; decoded leniently when it came from the target. */
  observe(bytes: Uint8Array, direction: 'in' | 'out', peer: string): MmsPdu | undefined;
  /** The MM1 URL requests are posted to. */
  mm1Url(): string;
  /** POST of an MMS PDU to the MM1 URL; the response PDU, if any, decoded and observed. */
  post(bytes: Uint8Array): Promise<HttpResult>;
  /** One HTTP exchange, through the gateway as proxy when configured. */
  request(method: 'GET' | 'POST', url: string, body?: Uint8Array): Promise<HttpResult>;
  /** A fresh X-Mms-Transaction-Id (`<name>-<n>`). */
  nextTid(): string;
  /** Whether the handset has a data path to MM1 (a PDP context, when the network models it). */
  dataPath(): boolean;
}

export interface HttpResult {
  status: number;
  contentType: string;
  body: Uint8Array;
  /** The response PDU, when the body was an MMS PDU that decoded. */
  pdu?: MmsPdu;
}

/** What an action returns of a conf PDU (m-send-conf, m-forward-conf, m-mbox-*-conf). */
export function confResult(r: HttpResult): JsonObject {
  const out: JsonObject = { status: r.status };
  const pdu = r.pdu;
  if (!pdu) return out;
  const put = (key: string, header: string) => {
    const v = headerText(pdu, header);
    if (v !== undefined) out[key] = v;
  };
  out.messageType = pdu.type;
  put('responseStatus', 'X-Mms-Response-Status');
  put('responseText', 'X-Mms-Response-Text');
  put('messageId', 'Message-ID');
  put('transactionId', 'X-Mms-Transaction-Id');
  put('contentLocation', 'X-Mms-Content-Location');
  return out;
}
