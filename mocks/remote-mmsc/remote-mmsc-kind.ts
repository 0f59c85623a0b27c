import { REMOTE_MMSC_BEHAVIOUR_TABLE } from '../behaviour-tables.ts';
import { REMOTE_MMSC_PARAM_HEADERS, REMOTE_MMSC_PARAM_ITEMS } from '../param-items.ts';
import { definedKeys, type PeerKind } from '../peer-kind.ts';
import { RemoteMmsc } from './remote-mmsc.ts';
import { REMOTE_MMSC_ACTIONS } from './remote-mmsc-actions.ts';
import { remoteMmscConfigFromJson } from './remote-mmsc-config.ts';

/** The foreign MMSC the target interworks with over MM4 (README.md). */
export const REMOTE_MMSC_KIND: PeerKind = {
  name: 'remote-mmsc',
  description:
    'MM4 foreign MMSC over SMTP (STARTTLS, AUTH, allow-list): RES, delivery/read reports, forward injection',
  create: (config, deps) =>
    new RemoteMmsc(remoteMmscConfigFromJson(config), { clock: deps.clock, seed: deps.seed }),
  actions: REMOTE_MMSC_ACTIONS,
  behaviours: REMOTE_MMSC_BEHAVIOUR_TABLE,
  items: REMOTE_MMSC_PARAM_ITEMS,
  headers: REMOTE_MMSC_PARAM_HEADERS,
  phase: 'called-by-target',
  wiring: (_name, ctx) => definedKeys({ target: ctx.target.mm4 }),
  // it is the foreign operator the target routes to (ICS provisioning.foreign)
  provisioned: (p) => ({ domain: p.foreignDomain }),
};
