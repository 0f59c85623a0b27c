import { EAIF_APP_KIND } from './eaif-app/eaif-app-kind.ts';
import { HLR_KIND } from './hlr/hlr-kind.ts';
import { MAIL_KIND } from './mail/mail-kind.ts';
import type { PeerKind } from './peer-kind.ts';
import { REMOTE_MMSC_KIND } from './remote-mmsc/remote-mmsc-kind.ts';
import { SMSC_KIND } from './smsc/smsc-kind.ts';
import { HANDSET_KIND } from './ue/handset-kind.ts';
import { VASP_KIND } from './vasp/vasp-kind.ts';
import { PPG_KIND } from './wap-gateway/ppg-kind.ts';
import { WAP_GATEWAY_KIND } from './wap-gateway/wap-gateway-kind.ts';

export type { PeerDeps, PeerKind } from './peer-kind.ts';

/**
 * Every kind of mock peer, one row each (the row lives in the peer's folder), by the name suites,
 * `mmscert peers --only` and docker use. The harness, the suite loader, the suite JSON schema,
 * `mmscert peers` and the targets read these rows and name no peer module. A case starts its peers
 * by phase (the servers the target calls, the gateways, the handsets), in this order within one.
 */
const ROWS: readonly PeerKind[] = [
  SMSC_KIND,
  HLR_KIND,
  REMOTE_MMSC_KIND,
  VASP_KIND,
  EAIF_APP_KIND,
  MAIL_KIND,
  WAP_GATEWAY_KIND,
  PPG_KIND,
  HANDSET_KIND,
];

export const PEER_KINDS: Readonly<Record<string, PeerKind>> = Object.fromEntries(
  ROWS.map((k) => [k.name, k]),
);
