import type { HLR_BEHAVIOUR_KINDS } from './hlr/hlr-peer.ts';
import type { MAIL_BEHAVIOURS } from './mail/mail-mta.ts';
import type { REMOTE_MMSC_BEHAVIOURS } from './remote-mmsc/remote-mmsc-behaviour.ts';
import type { SMSC_BEHAVIOUR_KINDS } from './smsc/smsc-behaviours.ts';
import type { HANDSET_BEHAVIOURS } from './ue/handset.ts';
import type { VASP_BEHAVIOURS } from './vasp/vasp-behaviour.ts';
import type { PPG_BEHAVIOURS } from './wap-gateway/ppg.ts';
import type { WAP_GATEWAY_BEHAVIOURS } from './wap-gateway/wap-gateway.ts';

/**
 * The behaviours of each peer kind (`behaviour: { peer, kind, ...parameters }`) and each one's
 * parameters, one table a kind (its row in mocks/peer-kinds.ts names it): what the strict suite check (src/harness/suite-strict.ts) holds a suite's
 * `behaviour:` steps to. Each peer's own `use()` validates the values when the step runs; the
 * kinds are typed from the peers' own lists (type-only imports: nothing of the peers is loaded),
 * so a kind added to a peer and not here, or here and not in the peer, does not compile.
 */
export interface BehaviourDef {
  description: string;
  params: Readonly<Record<string, string>>;
}
type Table<K extends string> = Readonly<Record<K, BehaviourDef>>;
type KindOf<T extends readonly string[]> = T[number];

const none = {} as const;

const RETRIEVAL_SHORTHAND = 'shorthand of { kind: retrieval, mode: <this kind> }';
export const HANDSET_BEHAVIOUR_TABLE = {
  retrieval: {
    description: 'how the handset answers a notification',
    params: { mode: 'immediate | deferred | reject' },
  },
  offline: { description: 'the handset is unreachable (no pushes reach it)', params: none },
  'no-ack': { description: 'no m-acknowledge-ind / m-notifyresp-ind after a retrieval', params: none },
  immediate: { description: RETRIEVAL_SHORTHAND, params: none },
  deferred: { description: RETRIEVAL_SHORTHAND, params: none },
  reject: { description: RETRIEVAL_SHORTHAND, params: none },
} as const satisfies Table<KindOf<typeof HANDSET_BEHAVIOURS> | 'immediate' | 'deferred' | 'reject'>;

export const SMSC_BEHAVIOUR_TABLE = {
  'refuse-binds': {
    description: 'bind_* refused',
    params: {
      status: 'command_status (default ESME_RBINDFAIL)',
      commands:
        'only these bind commands refused (bind_transmitter, bind_receiver, bind_transceiver; default all)',
    },
  },
  throttle: {
    description: 'submit_sm answered ESME_RTHROTTLED',
    params: { after: 'submits accepted first (default 0)' },
  },
  delay: { description: 'every response delayed', params: { ms: 'milliseconds 0..60000' } },
  'drop-connection': {
    description: 'the connection closed',
    params: { after: 'PDUs answered first (default 0)' },
  },
  'reject-submits': {
    description: 'submit_sm refused',
    params: {
      status: 'command_status (default ESME_RSUBMITFAIL)',
      count: 'only the first N submits refused, the later ones accepted (default: every one while on)',
    },
  },
  'accept-never-deliver': { description: 'submit_sm accepted, never delivered', params: none },
  'fail-delivery': {
    description: 'delivery receipts report a final failure',
    params: { state: 'UNDELIV, EXPIRED, DELETED, REJECTD or UNKNOWN', err: 'err: code 0..999 (default 1)' },
  },
  'mute-enquire-link': { description: 'enquire_link left unanswered (a dead link)', params: none },
  'refuse-connections': {
    description: 'the SMSC is down: open sessions closed, every new connection closed at once',
    params: none,
  },
  'hold-responses': {
    description:
      'submit_sm answered only when the behaviour ends, then all at once, last first (SMPP 3.4 §2.7); response-held per submit, window-exceeded past the window',
    params: {
      window: 'most outstanding submits allowed per session before window-exceeded (default 0: no bound)',
    },
  },
} as const satisfies Table<KindOf<typeof SMSC_BEHAVIOUR_KINDS>>;

export const HLR_BEHAVIOUR_TABLE = {
  servfail: { description: 'every query answered SERVFAIL', params: none },
  slow: { description: 'every answer delayed', params: { ms: 'milliseconds 0..60000' } },
  'nxdomain-all': { description: 'every query answered NXDOMAIN', params: none },
  truncate: { description: 'UDP answers truncated (TC)', params: none },
  'decoy-naptr': { description: 'an extra NAPTR pointing elsewhere', params: { domain: 'the decoy domain' } },
} as const satisfies Table<KindOf<typeof HLR_BEHAVIOUR_KINDS>>;

export const VASP_BEHAVIOUR_TABLE = {
  error: {
    description: 'requests answered with an MM7 error',
    params: { statusCode: 'MM7 status 2000..4999 (default 4000)' },
  },
  'soap-fault': {
    description: 'requests answered with a SOAP fault',
    params: { statusCode: 'MM7 status (default 3000)' },
  },
  slow: { description: 'answers delayed', params: { ms: 'milliseconds 0..600000' } },
  'wrong-version': {
    description: 'answers in another MM7 version',
    params: { version: 'REL-x-MM7-y-z or 5.0.0' },
  },
  'http-status': { description: 'answers with this HTTP status', params: { code: 'HTTP status 200..599' } },
  status: {
    description:
      'requests answered (HTTP 200, no fault) with exactly this StatusCode, of any class or none (1599, 3599, 5000, "0999")',
    params: { statusCode: 'the StatusCode digits as written (1 to 5)' },
  },
} as const satisfies Table<KindOf<typeof VASP_BEHAVIOURS>>;

export const PPG_BEHAVIOUR_TABLE = {
  result: {
    description: 'push submissions answered with this PAP result',
    params: { code: 'PAP result code (3000, 4001, ...)' },
  },
  slow: { description: 'answers delayed', params: { ms: 'milliseconds 0..600000' } },
  'fail-delivery': { description: 'accepted pushes reported undeliverable', params: none },
} as const satisfies Table<KindOf<typeof PPG_BEHAVIOURS>>;

export const WAP_GATEWAY_BEHAVIOUR_TABLE = {
  'strip-msisdn': { description: 'no subscriber identity header upstream', params: none },
  'spoof-msisdn': {
    description: 'this number as the subscriber identity',
    params: { msisdn: '+E.164 number' },
  },
  status: { description: 'requests answered with this HTTP status', params: { code: '4xx or 5xx' } },
  slow: { description: 'requests delayed', params: { ms: 'milliseconds 0..600000' } },
} as const satisfies Table<KindOf<typeof WAP_GATEWAY_BEHAVIOURS>>;

export const MAIL_BEHAVIOUR_TABLE = {
  'smtp-error': { description: 'mail refused with this reply code', params: { code: 'SMTP 4xx or 5xx' } },
  slow: { description: 'replies delayed', params: { ms: 'milliseconds 0..600000' } },
} as const satisfies Table<KindOf<typeof MAIL_BEHAVIOURS>>;

export const REMOTE_MMSC_BEHAVIOUR_TABLE = {
  reject: {
    description: 'MM4 requests answered with an error',
    params: { requestStatusCode: 'X-Mms-Request-Status-Code (default Error-service-denied)' },
  },
  'never-answer': { description: 'no MM4 response', params: none },
  'smtp-error': { description: 'mail refused with this reply code', params: { code: 'SMTP 4xx or 5xx' } },
  slow: { description: 'replies delayed', params: { ms: 'milliseconds 0..600000' } },
  duplicate: { description: 'every MM4 request sent twice', params: none },
} as const satisfies Table<KindOf<typeof REMOTE_MMSC_BEHAVIOURS>>;
