import type { ActionDefs } from '../peer.ts';
import { CLEAR_BEHAVIOURS_DEF } from '../peer-actions.ts';

/** The HLR's actions (mocks/hlr/hlr-peer.ts binds one method to each). */
export const HLR_ACTIONS = {
  'clear-behaviours': CLEAR_BEHAVIOURS_DEF,
  'add-subscriber': {
    description: 'a subscriber the HLR and ENUM answer for',
    params: {
      msisdn: 'E.164 number',
      mcc: 'home network MCC',
      mnc: 'home network MNC',
      imsi: 'IMSI (default derived)',
      ported: 'ported out (true/false)',
      roaming: 'roaming (true/false)',
      servingMmsc: 'the MMSC serving it',
    },
  },
  'add-subscribers': {
    description: 'a number range at once, for fan-out cases: <prefix><first..first+count-1, 4 digits>',
    params: {
      prefix: 'E.164 prefix',
      count: 'how many (1..10000)',
      first: 'first 4-digit suffix (default 1)',
      mcc: 'home network MCC',
      mnc: 'home network MNC',
    },
  },
  'remove-subscriber': { description: 'forgets a subscriber', params: { msisdn: 'E.164 number' } },
  port: {
    description: 'ports a subscriber to another network (ENUM answers change)',
    params: { msisdn: 'E.164 number', mcc: 'new MCC (default the old one)', mnc: 'new MNC' },
  },
  locate: {
    description:
      'a subscriber registers in a network (MAP location update in the simulated network): an inbound roamer of another operator, or a subscriber without handset',
    params: {
      msisdn: 'E.164 number (a subscriber of this HLR)',
      mcc: 'serving network MCC',
      mnc: 'serving network MNC',
      attached: 'switched on (default true)',
    },
  },
  subscribers: { description: 'every subscriber', params: {} },
} as const satisfies ActionDefs;
