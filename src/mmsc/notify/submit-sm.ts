import type { PDU } from 'smpp';
import { encodeSmpp } from '../../codec/smpp/index.ts';

/**
 * The submit_sm the MMSC sends for each WAP push SMS, encoded by src/codec/smpp instead of by the
 * smpp package's generic PDU (whose constructor, field filters and size pass cost more than the
 * rest of a push). The session still does the sequencing and matches the submit_sm_resp: it
 * only needs `isResponse()`, a settable `sequence_number` and `toBuffer()`.
 *
 * SMPP 3.4 §4.4.1 (submit_sm), mandatory parameters in order, no optional parameters:
 * service_type, source_addr_ton, source_addr_npi, source_addr, dest_addr_ton, dest_addr_npi,
 * destination_addr, esm_class, protocol_id, priority_flag, schedule_delivery_time,
 * validity_period, registered_delivery, replace_if_present_flag, data_coding,
 * sm_default_msg_id, sm_length, short_message. C-Octet Strings end with NUL (§3.1). Then the
 * optional parameters given (§5.3: tag, length, value).
 */
export interface SubmitSmFields {
  service_type: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  esm_class: number;
  protocol_id: number;
  priority_flag: number;
  registered_delivery: number;
  /** '' (the SMSC's default validity) or an SMPP time (§7.1.1). */
  validity_period?: string;
  data_coding: number;
  /** At most 254 octets (§4.4.1 sm_length); longer user data goes into segments. */
  short_message: Buffer;
  /** Optional parameters (§5.3), integers by name: the sar_* and port TLVs of a SAR segment. */
  tlvs?: Readonly<Record<string, number>>;
}

const SUBMIT_SM = 0x00000004;

export class SubmitSm implements SubmitSmFields {
  readonly command = 'submit_sm';
  readonly command_id = SUBMIT_SM;
  readonly command_status = 0;
  command_length = 0;
  /** Set by the session when it sends the PDU. */
  sequence_number = 0;
  service_type: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  esm_class: number;
  protocol_id: number;
  priority_flag: number;
  registered_delivery: number;
  validity_period: string;
  data_coding: number;
  short_message: Buffer;
  tlvs: Readonly<Record<string, number>>;

  constructor(f: SubmitSmFields) {
    if (f.short_message.length > 254)
      throw new RangeError(`submit_sm short_message of ${f.short_message.length} octets > 254`);
    this.service_type = f.service_type;
    this.source_addr_ton = f.source_addr_ton;
    this.source_addr_npi = f.source_addr_npi;
    this.source_addr = f.source_addr;
    this.dest_addr_ton = f.dest_addr_ton;
    this.dest_addr_npi = f.dest_addr_npi;
    this.destination_addr = f.destination_addr;
    this.esm_class = f.esm_class;
    this.protocol_id = f.protocol_id;
    this.priority_flag = f.priority_flag;
    this.registered_delivery = f.registered_delivery;
    this.validity_period = f.validity_period ?? '';
    this.data_coding = f.data_coding;
    this.short_message = f.short_message;
    this.tlvs = f.tlvs ?? {};
  }

  isResponse(): boolean {
    return false;
  }

  /** The PDU as src/codec/smpp writes it (the optional fields left out are their empty values). */
  toBuffer(): Buffer {
    const b = encodeSmpp({
      command: 'submit_sm',
      sequenceNumber: this.sequence_number >>> 0,
      params: {
        service_type: this.service_type,
        source_addr_ton: this.source_addr_ton,
        source_addr_npi: this.source_addr_npi,
        source_addr: this.source_addr,
        dest_addr_ton: this.dest_addr_ton,
        dest_addr_npi: this.dest_addr_npi,
        destination_addr: this.destination_addr,
        esm_class: this.esm_class,
        protocol_id: this.protocol_id,
        priority_flag: this.priority_flag,
        // schedule_delivery_time empty: immediate (§4.4.1); validity_period empty: the SMSC's default
        validity_period: this.validity_period,
        registered_delivery: this.registered_delivery,
        data_coding: this.data_coding,
        short_message: this.short_message,
      },
      tlvs: Object.entries(this.tlvs).map(([name, value]) => ({ name, value })),
    });
    this.command_length = b.length;
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  }

  /** The object the smpp session sends (it reads only the members above). */
  asPdu(): PDU {
    return this as unknown as PDU;
  }
}
