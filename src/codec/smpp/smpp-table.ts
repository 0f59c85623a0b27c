/**
 * SMPP v3.4 in one table: command ids, the mandatory body of every PDU (SMPP 3.4 §4), the TLVs
 * (§5.3.2) and command_status names (§5.1.3). It drives the decoder (decode-smpp.ts), the encoder
 * and encodingLengthSmpp (encode-smpp.ts), validation (validate-smpp.ts), the SMSC mock's state machine
 * names and the JSON field names on the timeline.
 */

/** Mandatory parameter types (§3.1): Integer(1/2/4), C-Octet String (max incl. NUL), Octet String. */
export type SmppParamType =
  | { t: 'u8' }
  | { t: 'u16' }
  | { t: 'u32' }
  | { t: 'cstring'; max: number }
  /** Octet string whose length is the value of an earlier integer parameter (sm_length). */
  | { t: 'octets'; lengthFrom: string }
  /** submit_multi's dest_address list, counted by number_of_dests (§4.5.1.1). */
  | { t: 'dest_addresses'; countFrom: string }
  /** submit_multi_resp's unsuccess_sme list, counted by no_unsuccess (§4.5.2). */
  | { t: 'unsuccess_smes'; countFrom: string };

export interface SmppParam {
  name: string;
  type: SmppParamType;
}

export interface SmppCommandRow {
  name: string;
  id: number;
  clause: string;
  /** Mandatory body in wire order (empty for header-only PDUs). */
  body: readonly SmppParam[];
  /** Whether optional TLVs may follow the mandatory body. */
  tlvs: boolean;
}

const u8 = { t: 'u8' } as const;
const c = (max: number) => ({ t: 'cstring', max }) as const;
const p = (name: string, type: SmppParamType): SmppParam => ({ name, type });

const BIND_BODY = [
  p('system_id', c(16)),
  p('password', c(9)),
  p('system_type', c(13)),
  p('interface_version', u8),
  p('addr_ton', u8),
  p('addr_npi', u8),
  p('address_range', c(41)),
];

const SM_BODY_TAIL = [
  p('esm_class', u8),
  p('protocol_id', u8),
  p('priority_flag', u8),
  p('schedule_delivery_time', c(17)),
  p('validity_period', c(17)),
  p('registered_delivery', u8),
  p('replace_if_present_flag', u8),
  p('data_coding', u8),
  p('sm_default_msg_id', u8),
  p('sm_length', u8),
  p('short_message', { t: 'octets', lengthFrom: 'sm_length' }),
];

const SUBMIT_BODY = [
  p('service_type', c(6)),
  p('source_addr_ton', u8),
  p('source_addr_npi', u8),
  p('source_addr', c(21)),
  p('dest_addr_ton', u8),
  p('dest_addr_npi', u8),
  p('destination_addr', c(21)),
  ...SM_BODY_TAIL,
];

const MESSAGE_ID_BODY = [p('message_id', c(65))];

export const SMPP_COMMANDS: readonly SmppCommandRow[] = [
  { name: 'generic_nack', id: 0x80000000, clause: 'SMPP 3.4 §4.3', body: [], tlvs: false },
  { name: 'bind_receiver', id: 0x00000001, clause: 'SMPP 3.4 §4.1.3', body: BIND_BODY, tlvs: false },
  {
    name: 'bind_receiver_resp',
    id: 0x80000001,
    clause: 'SMPP 3.4 §4.1.4',
    body: [p('system_id', c(16))],
    tlvs: true,
  },
  { name: 'bind_transmitter', id: 0x00000002, clause: 'SMPP 3.4 §4.1.1', body: BIND_BODY, tlvs: false },
  {
    name: 'bind_transmitter_resp',
    id: 0x80000002,
    clause: 'SMPP 3.4 §4.1.2',
    body: [p('system_id', c(16))],
    tlvs: true,
  },
  {
    name: 'query_sm',
    id: 0x00000003,
    clause: 'SMPP 3.4 §4.8.1',
    body: [
      p('message_id', c(65)),
      p('source_addr_ton', u8),
      p('source_addr_npi', u8),
      p('source_addr', c(21)),
    ],
    tlvs: false,
  },
  {
    name: 'query_sm_resp',
    id: 0x80000003,
    clause: 'SMPP 3.4 §4.8.2',
    body: [p('message_id', c(65)), p('final_date', c(17)), p('message_state', u8), p('error_code', u8)],
    tlvs: false,
  },
  { name: 'submit_sm', id: 0x00000004, clause: 'SMPP 3.4 §4.4.1', body: SUBMIT_BODY, tlvs: true },
  { name: 'submit_sm_resp', id: 0x80000004, clause: 'SMPP 3.4 §4.4.2', body: MESSAGE_ID_BODY, tlvs: false },
  { name: 'deliver_sm', id: 0x00000005, clause: 'SMPP 3.4 §4.6.1', body: SUBMIT_BODY, tlvs: true },
  { name: 'deliver_sm_resp', id: 0x80000005, clause: 'SMPP 3.4 §4.6.2', body: MESSAGE_ID_BODY, tlvs: false },
  { name: 'unbind', id: 0x00000006, clause: 'SMPP 3.4 §4.2.1', body: [], tlvs: false },
  { name: 'unbind_resp', id: 0x80000006, clause: 'SMPP 3.4 §4.2.2', body: [], tlvs: false },
  {
    name: 'replace_sm',
    id: 0x00000007,
    clause: 'SMPP 3.4 §4.10.1',
    body: [
      p('message_id', c(65)),
      p('source_addr_ton', u8),
      p('source_addr_npi', u8),
      p('source_addr', c(21)),
      p('schedule_delivery_time', c(17)),
      p('validity_period', c(17)),
      p('registered_delivery', u8),
      p('sm_default_msg_id', u8),
      p('sm_length', u8),
      p('short_message', { t: 'octets', lengthFrom: 'sm_length' }),
    ],
    tlvs: false,
  },
  { name: 'replace_sm_resp', id: 0x80000007, clause: 'SMPP 3.4 §4.10.2', body: [], tlvs: false },
  {
    name: 'cancel_sm',
    id: 0x00000008,
    clause: 'SMPP 3.4 §4.9.1',
    body: [
      p('service_type', c(6)),
      p('message_id', c(65)),
      p('source_addr_ton', u8),
      p('source_addr_npi', u8),
      p('source_addr', c(21)),
      p('dest_addr_ton', u8),
      p('dest_addr_npi', u8),
      p('destination_addr', c(21)),
    ],
    tlvs: false,
  },
  { name: 'cancel_sm_resp', id: 0x80000008, clause: 'SMPP 3.4 §4.9.2', body: [], tlvs: false },
  { name: 'bind_transceiver', id: 0x00000009, clause: 'SMPP 3.4 §4.1.5', body: BIND_BODY, tlvs: false },
  {
    name: 'bind_transceiver_resp',
    id: 0x80000009,
    clause: 'SMPP 3.4 §4.1.6',
    body: [p('system_id', c(16))],
    tlvs: true,
  },
  {
    name: 'outbind',
    id: 0x0000000b,
    clause: 'SMPP 3.4 §4.1.7',
    body: [p('system_id', c(16)), p('password', c(9))],
    tlvs: false,
  },
  { name: 'enquire_link', id: 0x00000015, clause: 'SMPP 3.4 §4.11.1', body: [], tlvs: false },
  { name: 'enquire_link_resp', id: 0x80000015, clause: 'SMPP 3.4 §4.11.2', body: [], tlvs: false },
  {
    name: 'submit_multi',
    id: 0x00000021,
    clause: 'SMPP 3.4 §4.5.1',
    body: [
      p('service_type', c(6)),
      p('source_addr_ton', u8),
      p('source_addr_npi', u8),
      p('source_addr', c(21)),
      p('number_of_dests', u8),
      p('dest_address', { t: 'dest_addresses', countFrom: 'number_of_dests' }),
      ...SM_BODY_TAIL,
    ],
    tlvs: true,
  },
  {
    name: 'submit_multi_resp',
    id: 0x80000021,
    clause: 'SMPP 3.4 §4.5.2',
    body: [
      p('message_id', c(65)),
      p('no_unsuccess', u8),
      p('unsuccess_sme', { t: 'unsuccess_smes', countFrom: 'no_unsuccess' }),
    ],
    tlvs: false,
  },
  {
    name: 'alert_notification',
    id: 0x00000102,
    clause: 'SMPP 3.4 §4.12.1',
    body: [
      p('source_addr_ton', u8),
      p('source_addr_npi', u8),
      p('source_addr', c(65)),
      p('esme_addr_ton', u8),
      p('esme_addr_npi', u8),
      p('esme_addr', c(65)),
    ],
    tlvs: true,
  },
  {
    name: 'data_sm',
    id: 0x00000103,
    clause: 'SMPP 3.4 §4.7.1',
    body: [
      p('service_type', c(6)),
      p('source_addr_ton', u8),
      p('source_addr_npi', u8),
      p('source_addr', c(65)),
      p('dest_addr_ton', u8),
      p('dest_addr_npi', u8),
      p('destination_addr', c(65)),
      p('esm_class', u8),
      p('registered_delivery', u8),
      p('data_coding', u8),
    ],
    tlvs: true,
  },
  { name: 'data_sm_resp', id: 0x80000103, clause: 'SMPP 3.4 §4.7.2', body: MESSAGE_ID_BODY, tlvs: true },
];

export type TlvType = 'u8' | 'u16' | 'u32' | 'cstring' | 'octets' | 'empty';

export interface SmppTlvRow {
  name: string;
  tag: number;
  type: TlvType;
  /** Fixed octet length for octets TLVs that have one (network_error_code: 3). */
  length?: number;
}

/** SMPP 3.4 §5.3.2 optional parameters. Unknown tags are kept with their raw value. */
export const SMPP_TLVS: readonly SmppTlvRow[] = [
  { name: 'dest_addr_subunit', tag: 0x0005, type: 'u8' },
  { name: 'dest_network_type', tag: 0x0006, type: 'u8' },
  { name: 'dest_bearer_type', tag: 0x0007, type: 'u8' },
  { name: 'dest_telematics_id', tag: 0x0008, type: 'u16' },
  { name: 'source_addr_subunit', tag: 0x000d, type: 'u8' },
  { name: 'source_network_type', tag: 0x000e, type: 'u8' },
  { name: 'source_bearer_type', tag: 0x000f, type: 'u8' },
  { name: 'source_telematics_id', tag: 0x0010, type: 'u8' },
  { name: 'qos_time_to_live', tag: 0x0017, type: 'u32' },
  { name: 'payload_type', tag: 0x0019, type: 'u8' },
  { name: 'additional_status_info_text', tag: 0x001d, type: 'cstring' },
  { name: 'receipted_message_id', tag: 0x001e, type: 'cstring' },
  { name: 'ms_msg_wait_facilities', tag: 0x0030, type: 'u8' },
  { name: 'privacy_indicator', tag: 0x0201, type: 'u8' },
  { name: 'source_subaddress', tag: 0x0202, type: 'octets' },
  { name: 'dest_subaddress', tag: 0x0203, type: 'octets' },
  { name: 'user_message_reference', tag: 0x0204, type: 'u16' },
  { name: 'user_response_code', tag: 0x0205, type: 'u8' },
  { name: 'source_port', tag: 0x020a, type: 'u16' },
  { name: 'destination_port', tag: 0x020b, type: 'u16' },
  { name: 'sar_msg_ref_num', tag: 0x020c, type: 'u16' },
  { name: 'language_indicator', tag: 0x020d, type: 'u8' },
  { name: 'sar_total_segments', tag: 0x020e, type: 'u8' },
  { name: 'sar_segment_seqnum', tag: 0x020f, type: 'u8' },
  { name: 'sc_interface_version', tag: 0x0210, type: 'u8' },
  { name: 'callback_num_pres_ind', tag: 0x0302, type: 'u8' },
  { name: 'callback_num_atag', tag: 0x0303, type: 'octets' },
  { name: 'number_of_messages', tag: 0x0304, type: 'u8' },
  { name: 'callback_num', tag: 0x0381, type: 'octets' },
  { name: 'dpf_result', tag: 0x0420, type: 'u8' },
  { name: 'set_dpf', tag: 0x0421, type: 'u8' },
  { name: 'ms_availability_status', tag: 0x0422, type: 'u8' },
  { name: 'network_error_code', tag: 0x0423, type: 'octets', length: 3 },
  { name: 'message_payload', tag: 0x0424, type: 'octets' },
  { name: 'delivery_failure_reason', tag: 0x0425, type: 'u8' },
  { name: 'more_messages_to_send', tag: 0x0426, type: 'u8' },
  { name: 'message_state', tag: 0x0427, type: 'u8' },
  { name: 'ussd_service_op', tag: 0x0501, type: 'octets', length: 1 },
  { name: 'display_time', tag: 0x1201, type: 'u8' },
  { name: 'sms_signal', tag: 0x1203, type: 'u16' },
  { name: 'ms_validity', tag: 0x1204, type: 'u8' },
  { name: 'alert_on_message_delivery', tag: 0x130c, type: 'empty' },
  { name: 'its_reply_type', tag: 0x1380, type: 'u8' },
  { name: 'its_session_info', tag: 0x1383, type: 'octets', length: 2 },
];

/** command_status values (SMPP 3.4 §5.1.3) the SMSC mock answers with or reports. */
export const SMPP_STATUS = {
  ESME_ROK: 0x00000000,
  ESME_RINVMSGLEN: 0x00000001,
  ESME_RINVCMDLEN: 0x00000002,
  ESME_RINVCMDID: 0x00000003,
  ESME_RINVBNDSTS: 0x00000004,
  ESME_RALYBND: 0x00000005,
  ESME_RSYSERR: 0x00000008,
  ESME_RINVSRCADR: 0x0000000a,
  ESME_RINVDSTADR: 0x0000000b,
  ESME_RINVMSGID: 0x0000000c,
  ESME_RBINDFAIL: 0x0000000d,
  ESME_RINVPASWD: 0x0000000e,
  ESME_RINVSYSID: 0x0000000f,
  ESME_RCANCELFAIL: 0x00000011,
  ESME_RREPLACEFAIL: 0x00000013,
  ESME_RMSGQFUL: 0x00000014,
  ESME_RINVSERTYP: 0x00000015,
  ESME_RINVNUMDESTS: 0x00000033,
  ESME_RINVDESTFLAG: 0x00000040,
  ESME_RINVESMCLASS: 0x00000043,
  ESME_RSUBMITFAIL: 0x00000045,
  ESME_RINVSYSTYP: 0x00000053,
  ESME_RTHROTTLED: 0x00000058,
  ESME_RINVSCHED: 0x00000061,
  ESME_RINVEXPIRY: 0x00000062,
  ESME_RX_T_APPN: 0x00000064,
  ESME_RX_P_APPN: 0x00000065,
  ESME_RX_R_APPN: 0x00000066,
  ESME_RQUERYFAIL: 0x00000067,
  ESME_RINVTLVSTREAM: 0x000000c0,
  ESME_RTLVNOTALLWD: 0x000000c1,
  ESME_RINVTLVLEN: 0x000000c2,
  ESME_RMISSINGTLV: 0x000000c3,
  ESME_RINVTLVVAL: 0x000000c4,
  ESME_RDELIVERYFAILURE: 0x000000fe,
  ESME_RUNKNOWNERR: 0x000000ff,
} as const;
export type SmppStatusName = keyof typeof SMPP_STATUS;

/** message_state values (SMPP 3.4 §5.2.28) with the receipt `stat:` word of Appendix B. */
export const MESSAGE_STATES = [
  { name: 'ENROUTE', value: 1, stat: 'ENROUTE' },
  { name: 'DELIVERED', value: 2, stat: 'DELIVRD' },
  { name: 'EXPIRED', value: 3, stat: 'EXPIRED' },
  { name: 'DELETED', value: 4, stat: 'DELETED' },
  { name: 'UNDELIVERABLE', value: 5, stat: 'UNDELIV' },
  { name: 'ACCEPTED', value: 6, stat: 'ACCEPTD' },
  { name: 'UNKNOWN', value: 7, stat: 'UNKNOWN' },
  { name: 'REJECTED', value: 8, stat: 'REJECTD' },
] as const;
export type MessageStateRow = (typeof MESSAGE_STATES)[number];

/** A message state by its name (`UNDELIVERABLE`), its receipt word (`UNDELIV`) or its number. */
export function messageState(key: string | number): MessageStateRow | undefined {
  return MESSAGE_STATES.find((s) => s.value === key || s.name === key || s.stat === key);
}

export const COMMAND_BY_ID: ReadonlyMap<number, SmppCommandRow> = new Map(
  SMPP_COMMANDS.map((r) => [r.id, r]),
);
export const COMMAND_BY_NAME: ReadonlyMap<string, SmppCommandRow> = new Map(
  SMPP_COMMANDS.map((r) => [r.name, r]),
);
export const TLV_BY_TAG: ReadonlyMap<number, SmppTlvRow> = new Map(SMPP_TLVS.map((r) => [r.tag, r]));
export const TLV_BY_NAME: ReadonlyMap<string, SmppTlvRow> = new Map(SMPP_TLVS.map((r) => [r.name, r]));
const STATUS_BY_VALUE = new Map(Object.entries(SMPP_STATUS).map(([k, v]) => [v as number, k]));

/** `ESME_RTHROTTLED` for 0x58; `0x00000400` for a value outside the table. */
export function statusName(status: number): string {
  return STATUS_BY_VALUE.get(status) ?? `0x${status.toString(16).padStart(8, '0')}`;
}

/** A status given by name or number (behaviour params); undefined when unknown. */
export function statusValue(status: string | number): number | undefined {
  if (typeof status === 'number')
    return Number.isInteger(status) && status >= 0 && status <= 0xffffffff ? status : undefined;
  if (status in SMPP_STATUS) return SMPP_STATUS[status as SmppStatusName];
  if (/^0x[0-9a-f]{1,8}$/i.test(status)) return Number.parseInt(status, 16);
  return undefined;
}

export const SMPP_HEADER_LENGTH = 16;
/** The largest PDU the smpp package (and so this SMSC) accepts. */
export const SMPP_MAX_PDU_LENGTH = 16384;
