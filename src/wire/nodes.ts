/**
 * Logical nodes of an MMS network. Every observation names the node that recorded it;
 * PCAPNG captures give each role its own 127.0.0.0/8 address so Wireshark's conversation
 * and flow views show who is who.
 */
export const NODE_ROLES = [
  'ue',
  'wap-gateway',
  'ppg',
  'mmsc',
  'smsc',
  'remote-mmsc',
  'vasp',
  'hlr',
  'mta',
  'harness',
] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** Capture address of each role (the third octet leaves room for several nodes of a role). */
export const ROLE_ADDRESS: Record<NodeRole, string> = {
  ue: '127.0.1.1',
  'wap-gateway': '127.0.2.1',
  ppg: '127.0.2.2',
  mmsc: '127.0.3.1',
  smsc: '127.0.4.1',
  'remote-mmsc': '127.0.5.1',
  vasp: '127.0.6.1',
  hlr: '127.0.7.1',
  mta: '127.0.8.1',
  harness: '127.0.9.1',
};

/** Interfaces (reference points and carrier protocols) an observation can belong to. */
export const INTERFACES = [
  'MM1',
  'MM3',
  'MM4',
  'MM5',
  'MM7',
  /** EAIF, the Nokia External Application Interface (MMS PDUs over HTTP, a second VASP dialect). */
  'EAIF',
  'SMPP',
  'PAP',
  'WAP-PUSH',
  'DNS',
  'HTTP',
  'SMTP',
  /** MAP signalling of the simulated network (SRI-SM, MT-ForwardSM, Alert-SC), as observations. */
  'MAP',
  /** GTP of the simulated data path (PDP context: visited SGSN -> home GGSN), as observations. */
  'GTP',
  'HARNESS',
] as const;
export type Iface = (typeof INTERFACES)[number];
