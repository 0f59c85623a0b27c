/**
 * The SMPP session states of SMPP 3.4 §2.3 and which PDUs an ESME may send in each. The
 * session dispatches through this table: a PDU absent from its state's map is answered
 * ESME_RINVBNDSTS (or ESME_RALYBND for a second bind) and the session keeps serving.
 */
export type SmppState = 'open' | 'bound_tx' | 'bound_rx' | 'bound_trx' | 'closed';

/** What the session does with an ESME PDU; each name is one handler method of SmscSession. */
export type SmppHandlerName =
  | 'bind'
  | 'submit'
  | 'dataSm'
  | 'querySm'
  | 'cancelSm'
  | 'replaceSm'
  | 'enquireLink'
  | 'unbind'
  | 'response'
  | 'alreadyBound';

type HandlerMap = Readonly<Partial<Record<string, SmppHandlerName>>>;

const BINDS = { bind_transmitter: 'bind', bind_receiver: 'bind', bind_transceiver: 'bind' } as const;
const REBIND = {
  bind_transmitter: 'alreadyBound',
  bind_receiver: 'alreadyBound',
  bind_transceiver: 'alreadyBound',
} as const;
// enquire_link is accepted in OPEN too: SMPP 3.4 §4.11 lets either side send it at any time to
// test the link, and ESMEs (Kannel among them) may probe before their bind_resp arrives.
const ALWAYS = {
  enquire_link: 'enquireLink',
  enquire_link_resp: 'response',
  generic_nack: 'response',
  unbind_resp: 'response',
} as const;
const BOUND = { ...ALWAYS, ...REBIND, unbind: 'unbind' } as const;
// SMPP 3.4 §2.3 table 2-1: ESME -> SMSC operations per bind type.
const TX = {
  submit_sm: 'submit',
  submit_multi: 'submit',
  data_sm: 'dataSm',
  query_sm: 'querySm',
  cancel_sm: 'cancelSm',
  replace_sm: 'replaceSm',
} as const;
const RX = { deliver_sm_resp: 'response', data_sm_resp: 'response' } as const;

export const SMPP_STATE_HANDLERS: Readonly<Record<SmppState, HandlerMap>> = {
  open: { ...ALWAYS, ...BINDS },
  bound_tx: { ...BOUND, ...TX },
  bound_rx: { ...BOUND, ...RX },
  bound_trx: { ...BOUND, ...TX, ...RX },
  closed: {},
};

export const BIND_STATE: Readonly<Record<string, SmppState>> = {
  bind_transmitter: 'bound_tx',
  bind_receiver: 'bound_rx',
  bind_transceiver: 'bound_trx',
};

/** Whether an SMSC-originated deliver_sm may go to a session in this state. */
export function canReceive(state: SmppState): boolean {
  return state === 'bound_rx' || state === 'bound_trx';
}
