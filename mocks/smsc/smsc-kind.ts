import type { JsonObject } from '../../src/util/json.ts';
import { SMSC_BEHAVIOUR_TABLE } from '../behaviour-tables.ts';
import type { PeerKind } from '../peer-kind.ts';
import { SMSC_ACTIONS } from './smsc-actions.ts';
import { SmscPeer, smscConfigFromJson } from './smsc-peer.ts';

/** The SMSC the target submits its WAP push notifications to (README.md). */
export const SMSC_KIND: PeerKind = {
  name: 'smsc',
  description: 'SMSC over SMPP 3.4: binds, submits, WAP push decoding, MT delivery to handsets, receipts',
  create: (config, deps) => new SmscPeer(smscConfigFromJson(config), { air: deps.air, clock: deps.clock }),
  actions: SMSC_ACTIONS,
  behaviours: SMSC_BEHAVIOUR_TABLE,
  // MT SMS along the HLR's route (iface MAP), as observations
  messages: ['MAP-MT-ForwardSM', 'MAP-Alert-SC'],
  phase: 'called-by-target',
  // the target binds with the credentials of its ICS (notification.smpp): we accept only those
  provisioned: (p): JsonObject =>
    p.smppBind ? { systemId: p.smppBind.systemId, password: p.smppBind.password } : {},
};
