import type { RelayedMail } from '../../../mocks/mm4-relay/mm4-relay.ts';
import type { Ics } from '../ics/ics-schema.ts';
import type { Side } from './interop-config.ts';

/** Verdicts of ISO/IEC 9646 / ETSI TTCN-3, as for a single target (src/harness/run-result.ts). */
export type InteropVerdict = 'pass' | 'fail' | 'inconclusive' | 'error' | 'not-applicable';

/** One direction of a test purpose: the originator's side, then the recipient's. */
export type Direction = 'a->b' | 'b->a';
export const DIRECTIONS: readonly Direction[] = ['a->b', 'b->a'];

export function directionSides(d: Direction): { from: Side; to: Side } {
  return d === 'a->b' ? { from: 'a', to: 'b' } : { from: 'b', to: 'a' };
}

/** One observable requirement of a test purpose, judged on what crossed the wire. */
export interface InteropCheck {
  /** What is checked, in a line. */
  name: string;
  clause: string;
  verdict: InteropVerdict;
  expected: string;
  observed: string;
  /** Our own stimulus or a precondition: a miss makes the purpose inconclusive, not failed. */
  precondition?: boolean;
  /** Relayed mails (their numbers in the run) this check read. */
  mails?: number[];
}

/** A handset's view of one MM1 PDU (what the handset sent or received). */
export interface HandsetPdu {
  /** ms since the purpose started. */
  atMs: number;
  node: string;
  direction: 'in' | 'out';
  type: string;
  fields: unknown;
}

export interface InteropOutcome {
  purpose: string;
  direction: Direction;
  verdict: InteropVerdict;
  checks: InteropCheck[];
  /** Every mail the relay carried while the purpose ran. */
  mails: RelayedMail[];
  handset: HandsetPdu[];
  durationMs: number;
  /** When it started, ms on the run's timeline (relayed mails' times are on it too). */
  startRunMs?: number;
  /** The harness or a peer broke the purpose (verdict error). */
  error?: string;
  /** Why the purpose does not apply in this direction (verdict not-applicable): an ICS, the matrix. */
  reason?: string;
  /** What the purpose left out in this direction and why (items an ICS does not claim). */
  notes?: string[];
}

/**
 * A test purpose as the report lists it: a row of mmscert's IR.53-style MM4 matrix
 * (suites/mm4/ir53-matrix.yaml; its ids, not GSMA's numbering), and how it runs between two MMSCs.
 */
export interface InteropPurposeInfo {
  id: string;
  group: string;
  title: string;
  /** The matrix row's clause(s). */
  clauses: string[];
  /** How it runs between two MMSCs (the realisation), or why it cannot. */
  description: string;
  /** ICS items both parties must claim (the matrix row's `interop.ics`). */
  ics: string[];
  /** The matrix says it cannot run between two MMSCs: why. */
  notApplicable?: string;
}

export interface PartyFacts {
  side: Side;
  name: string;
  vendor?: string;
  version?: string;
  domain: string;
  mm1: string;
  mm4: string;
  icsFile: string;
  icsText: string;
  ics: Ics;
  /** Handsets of ours on this side (name, MSISDN). */
  handsets: { name: string; msisdn: string }[];
}

export interface InteropResult {
  startedAt: string;
  wallMs: number;
  seed: number;
  tool?: { name: string; version: string; commit?: string };
  parties: Record<Side, PartyFacts>;
  purposes: InteropPurposeInfo[];
  outcomes: InteropOutcome[];
  /** Both SMPP binds came up (else every outcome is an error saying so). */
  setupError?: string;
}

export function worstVerdict(vs: readonly InteropVerdict[]): InteropVerdict {
  const order: InteropVerdict[] = ['error', 'fail', 'inconclusive', 'pass', 'not-applicable'];
  for (const v of order) if (vs.includes(v)) return v;
  return 'pass';
}

/** A purpose's verdict from its checks: a failed precondition is inconclusive, unless something else failed. */
export function outcomeVerdict(checks: readonly InteropCheck[]): InteropVerdict {
  const real = checks.filter((c) => !c.precondition);
  if (checks.some((c) => c.verdict === 'error')) return 'error';
  if (real.some((c) => c.verdict === 'fail')) return 'fail';
  if (checks.some((c) => c.precondition && c.verdict !== 'pass')) return 'inconclusive';
  if (checks.length === 0) return 'inconclusive';
  return worstVerdict(checks.map((c) => c.verdict));
}
