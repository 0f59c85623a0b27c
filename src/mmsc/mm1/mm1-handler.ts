import type { MmsPdu } from '../../codec/mms/index.ts';
import type { MmscConfig } from '../config.ts';
import { deviates } from '../deviations.ts';
import type { MmscCore } from '../mmsc-core.ts';
import type { Mmbox } from './mmbox.ts';
import type { sendConf } from './pdus.ts';
import { responseStatus, type SendProblem } from './response-status.ts';

/**
 * One MM1 request PDU handler (a row of MM1_HANDLERS, mm1-handlers.ts): what it gets of the
 * request and what it answers. The module does the HTTP around it (mm1-module.ts).
 */

/** What the MM1 module hands each PDU handler. */
export interface Mm1Context {
  core: MmscCore;
  mmbox: Mmbox;
  /** The content location of a token (`{base}/{token}`). */
  contentLocation(token: string): string;
}

/** A decoded request PDU as it arrived. */
export interface Mm1Request {
  pdu: MmsPdu;
  /** The octets of the request body. */
  raw: Uint8Array;
  /** The subscriber the gateway's headers name (sender-identity.ts), if any. */
  subscriber: string | undefined;
  /** X-Mms-MMS-Version of the request (1.0 when absent). */
  version: string;
}

/**
 * The answer: a response PDU (HTTP 200, application/vnd.wap.mms-message), an empty 204, or a
 * plain-text HTTP error.
 */
export type Mm1Answer =
  | { kind: 'pdu'; pdu: MmsPdu }
  | { kind: 'empty' }
  | { kind: 'plain'; status: number; text: string };

export type Mm1Handler = (ctx: Mm1Context, req: Mm1Request) => Promise<Mm1Answer>;

export function pduAnswer(pdu: MmsPdu): Mm1Answer {
  return { kind: 'pdu', pdu };
}

export const EMPTY_ANSWER: Mm1Answer = { kind: 'empty' };

export function plainAnswer(status: number, text: string): Mm1Answer {
  return { kind: 'plain', status, text };
}

/**
 * The failed m-send-conf / m-forward-conf of one request. (Returned, not declared as a named arrow
 * per request: the TypeScript loader's keep-names helper costs a defineProperty per named closure.)
 */
export function confFailure(
  conf: typeof sendConf,
  tid: string,
  v: string,
): (p: SendProblem, text: string) => MmsPdu {
  return (p, text) => conf(tid, v, responseStatus(p, v), undefined, text);
}

/** Why a request naming `n` recipients is refused (more than `maxRecipients`), or undefined. */
export function tooManyRecipients(n: number, config: MmscConfig): string | undefined {
  if (n <= config.maxRecipients || deviates(config, 'unbounded-recipients')) return undefined;
  return `too many recipients: ${n} > ${config.maxRecipients}`;
}

export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
