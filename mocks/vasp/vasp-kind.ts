import { VASP_BEHAVIOUR_TABLE } from '../behaviour-tables.ts';
import { definedKeys, type PeerKind } from '../peer-kind.ts';
import { Vasp } from './vasp.ts';
import { VASP_ACTIONS } from './vasp-actions.ts';
import { vaspConfigFromJson } from './vasp-config.ts';

/** The value-added service provider on MM7 (README.md). */
export const VASP_KIND: PeerKind = {
  name: 'vasp',
  description:
    'MM7 VASP: SOAP client (Submit/Cancel/Replace, Basic auth) and server (Deliver, DeliveryReport, ReadReply)',
  create: (config, deps) => new Vasp(vaspConfigFromJson(config), { clock: deps.clock, seed: deps.seed }),
  actions: VASP_ACTIONS,
  behaviours: VASP_BEHAVIOUR_TABLE,
  phase: 'called-by-target',
  wiring: (_name, ctx) => definedKeys({ target: ctx.target.mm7 }),
  // it is the target's main VASP account, answering for every short code the target knows
  provisioned: (p) => {
    const main = p.mainVasp;
    return {
      vaspId: main.vaspId,
      ...(main.vasId ? { vasId: main.vasId } : {}),
      ...(main.username !== undefined ? { user: main.username } : {}),
      ...(main.password !== undefined ? { pass: main.password } : {}),
      // (not the EAIF application's: that one answers in EAIF, mocks/eaif-app)
      shortCodes: [...new Set(p.vasps.filter((v) => v.dialect !== 'eaif').map((v) => v.shortCode))],
    };
  },
};
