import { NetworkModel } from './network/network-model.ts';

/**
 * The radio side of the simulated network: how the SMSC mock hands a mobile-terminated
 * SMS to a simulated handset (mocks/ue). In-process, because the air interface has no
 * socket a user would point anything at; everything on either side of it is a real socket.
 */
export interface MtSms {
  /** Originating address as the SMSC received it (source_addr). */
  from: string;
  /** Destination MSISDN (destination_addr), E.164 without '+', as in SMPP. */
  to: string;
  /** data_coding of the submit. */
  dataCoding: number;
  /** The SMS user data as submitted, per segment (UDH included when esm_class has UDHI). */
  segments: Uint8Array[];
  /** 16-bit application ports from the UDH (WAP push: 9200 -> 2948), if any. */
  ports?: { source: number; destination: number };
  /** The reassembled payload without UDHs (for WAP push: the connectionless WSP push PDU). */
  payload: Uint8Array;
}

export type MtSmsHandler = (sms: MtSms) => void | Promise<void>;

export class AirInterface {
  /** Where subscribers are and what the network lets through (mocks/network/network-model.ts). */
  readonly network = new NetworkModel();
  private readonly handsets = new Map<string, MtSmsHandler>();

  /** Registers a handset by MSISDN ('+' and spaces ignored); returns the unregister function. */
  register(msisdn: string, handler: MtSmsHandler): () => void {
    const key = normaliseMsisdn(msisdn);
    this.handsets.set(key, handler);
    return () => {
      if (this.handsets.get(key) === handler) this.handsets.delete(key);
    };
  }

  has(msisdn: string): boolean {
    return this.handsets.has(normaliseMsisdn(msisdn));
  }

  /** Delivers to the handset; false when no handset answers to that MSISDN (absent subscriber). */
  async deliver(sms: MtSms): Promise<boolean> {
    const handler = this.handsets.get(normaliseMsisdn(sms.to));
    if (!handler) return false;
    await handler(sms);
    return true;
  }
}

export function normaliseMsisdn(msisdn: string): string {
  return msisdn.replace(/^\+/, '').replace(/[\s-]/g, '');
}
