import { definedKeys, type PeerKind } from '../peer-kind.ts';
import { EaifApp } from './eaif-app.ts';
import { EAIF_APP_ACTIONS } from './eaif-app-actions.ts';
import { EAIF_APP_BEHAVIOUR_TABLE } from './eaif-app-behaviour.ts';
import { eaifAppConfigFromJson } from './eaif-app-config.ts';

/** The application on EAIF, the Nokia External Application Interface (README.md). */
export const EAIF_APP_KIND: PeerKind = {
  name: 'eaif-app',
  description:
    'EAIF application (Nokia External Application Interface): POSTs MultiMediaMessages (m-send-req) with X-NOKIA-MMSC headers, takes MO messages, DeliveryReports and ReadReplies',
  create: (config, deps) => new EaifApp(eaifAppConfigFromJson(config), { seed: deps.seed }),
  actions: EAIF_APP_ACTIONS,
  behaviours: EAIF_APP_BEHAVIOUR_TABLE,
  phase: 'called-by-target',
  wiring: (_name, ctx) => definedKeys({ target: ctx.target.eaif }),
  // the target's EAIF application account (the ICS account whose dialect is eaif)
  provisioned: (p) => {
    const a = p.eaifApp;
    if (!a) return {};
    return {
      ...(a.username !== undefined ? { user: a.username } : {}),
      ...(a.password !== undefined ? { pass: a.password } : {}),
      shortCodes: [a.shortCode],
    };
  },
};
