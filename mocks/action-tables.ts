import { HLR_ACTIONS } from './hlr/hlr-actions.ts';
import { MAIL_ACTIONS } from './mail/mail-actions.ts';
import type { ActionDefs } from './peer.ts';
import { REMOTE_MMSC_ACTIONS } from './remote-mmsc/remote-mmsc-actions.ts';
import { SMSC_ACTIONS } from './smsc/smsc-actions.ts';
import { HANDSET_ACTIONS } from './ue/handset-actions.ts';
import { VASP_ACTIONS } from './vasp/vasp-actions.ts';
import { PPG_ACTIONS, WAP_GATEWAY_ACTIONS } from './wap-gateway/gateway-actions.ts';

/**
 * The action table of each peer kind, without the peers themselves (light to import: the suite
 * loader and the JSON schema read it). The registry (registry.ts) gives each kind the same table.
 */
export const PEER_ACTION_TABLES = {
  smsc: SMSC_ACTIONS,
  hlr: HLR_ACTIONS,
  'remote-mmsc': REMOTE_MMSC_ACTIONS,
  vasp: VASP_ACTIONS,
  mail: MAIL_ACTIONS,
  'wap-gateway': WAP_GATEWAY_ACTIONS,
  ppg: PPG_ACTIONS,
  ue: HANDSET_ACTIONS,
} as const satisfies Readonly<Record<string, ActionDefs>>;
