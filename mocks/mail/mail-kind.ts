import { MAIL_BEHAVIOUR_TABLE } from '../behaviour-tables.ts';
import { MAIL_PARAM_ITEMS } from '../param-items.ts';
import { definedKeys, type PeerKind } from '../peer-kind.ts';
import { MAIL_ACTIONS } from './mail-actions.ts';
import { mailConfigFromJson } from './mail-config.ts';
import { MailMta } from './mail-mta.ts';

/** The e-mail MTA on MM3 (README.md). */
export const MAIL_KIND: PeerKind = {
  name: 'mail',
  description:
    'MM3 e-mail MTA: captures and checks mail from the MMSC (RFC 5322/MIME), injects mail towards MMS users',
  create: (config, deps) => new MailMta(mailConfigFromJson(config), { clock: deps.clock, seed: deps.seed }),
  actions: MAIL_ACTIONS,
  behaviours: MAIL_BEHAVIOUR_TABLE,
  items: MAIL_PARAM_ITEMS,
  phase: 'called-by-target',
  wiring: (_name, ctx) => definedKeys({ target: ctx.target.mm3 }),
};
