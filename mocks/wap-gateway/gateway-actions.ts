import type { ActionDefs } from '../peer.ts';
import { CLEAR_BEHAVIOURS_DEF } from '../peer-actions.ts';

/** The WAP gateway's actions (mocks/wap-gateway/wap-gateway.ts). */
export const WAP_GATEWAY_ACTIONS = {
  'clear-behaviours': CLEAR_BEHAVIOURS_DEF,
  'set-upstream': { description: 'the MM1 URL the gateway relays to', params: { url: 'the MM1 URL' } },
} as const satisfies ActionDefs;

/** The push proxy gateway's actions (mocks/wap-gateway/ppg.ts). */
export const PPG_ACTIONS = {
  'clear-behaviours': CLEAR_BEHAVIOURS_DEF,
  'set-smsc': {
    description: 'the SMSC the PPG submits its WAP push SMS to',
    params: {
      port: 'SMPP port',
      host: 'SMPP host',
      systemId: 'bind system_id',
      password: 'bind password',
      systemType: 'bind system_type',
      sourceAddr: 'source_addr of the pushes',
    },
  },
  pushes: { description: 'the push messages the PPG took', params: {} },
} as const satisfies ActionDefs;
