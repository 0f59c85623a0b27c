import type { ActionDefs } from '../peer.ts';
import { CLEAR_BEHAVIOURS_DEF } from '../peer-actions.ts';

/** The SMSC's actions (mocks/smsc/smsc-peer.ts binds one method to each). */
export const SMSC_ACTIONS = {
  'deliver-mo': {
    description: 'deliver_sm to a bound receiver (SMPP 3.4 §4.6.1)',
    params: {
      from: 'source_addr',
      to: 'destination_addr',
      text: 'short_message as Latin-1 text',
      base64: 'short_message octets as base64',
      systemId: 'the session of this system_id (default the first receiver)',
      esmClass: 'esm_class (default 0)',
      dataCoding: 'data_coding (default 0)',
    },
  },
  request: {
    description:
      'an SMSC-originated request to a bound session: enquire_link (SMPP 3.4 §4.11), unbind (§4.2), a command_id no table knows or a header with a command_length no PDU can have (generic_nack expected, §4.3)',
    params: {
      command: 'enquire_link, unbind, unknown or bad-length (not awaited)',
      commandId: 'the command_id of an unknown command (default 0x0000007f, reserved in SMPP 3.4 §5.1.2.1)',
      commandLength:
        'the command_length of a bad-length header (default 8: shorter than the 16-octet header, SMPP 3.4 §3.2)',
      systemId: 'the session of this system_id (default the first bound session)',
    },
    alone: "it probes, nacks or ends the target's one session with the SMSC",
  },
  'clear-behaviours': CLEAR_BEHAVIOURS_DEF,
  status: { description: 'binds, sessions and counts', params: {} },
  messages: { description: 'the short messages the SMSC received', params: {} },
} as const satisfies ActionDefs;
