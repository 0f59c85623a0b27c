import { mmsHeaderByName } from '../codec/mms/index.ts';
import type { Json, JsonObject } from '../util/json.ts';
import type { Iface } from '../wire/nodes.ts';
import type { Observation } from '../wire/timeline.ts';
import { type LoadedCase, strongestLevel } from './case-model.ts';
import type { CaseFailure, CaseFinding, Verdict } from './run-result.ts';
import type { Level } from './suite-schema.ts';

/**
 * Findings: what our peers saw the target break on the wire besides what the case's own steps
 * judge. Today one kind: `encoding-defect` (a PDU from the target that breaks OMA-TS-MMS_ENC /
 * WAP-230-WSP, read leniently by the peer that saw it; or an MM7 request the VASP mock refuses on
 * the wire: SOAP version, schema namespace, attachments). One defect of the target is one failure of
 * the encoding requirement it breaks, not a cascade of failures of unrelated ones (DESIGN.md).
 */

/** The event peers publish per defect (mocks/wap-gateway/mm1-observation.ts). */
export const ENCODING_DEFECT_EVENT = 'encoding-defect';

const ENC = 'OMA-TS-MMS_ENC-V1_3';
const WSP = 'WAP-230-WSP';
/**
 * The catalogue entries (suites/requirements.yaml, ENC-encoding-*) a defect can break, by the value
 * grammar of its field. findings.test.ts holds them equal to the catalogue.
 */
export const ENCODING_REQUIREMENTS = {
  'ENC-encoding-message-type': { spec: ENC, clause: '7.3.30', level: 'SHALL' },
  'ENC-encoding-header': { spec: ENC, clause: '7.4', level: 'SHALL' },
  'ENC-encoding-integer': { spec: WSP, clause: '8.4.2.1', level: 'SHALL' },
  'ENC-encoding-token': { spec: WSP, clause: '8.4.2.1', level: 'SHALL' },
  'ENC-encoding-text': { spec: ENC, clause: '7.3.19', level: 'SHALL' },
  'ENC-encoding-value-length': { spec: WSP, clause: '8.4.2.2', level: 'SHALL' },
  'ENC-encoding-content-type': { spec: WSP, clause: '8.4.2.24', level: 'SHALL' },
  'ENC-encoding-body': { spec: WSP, clause: '8.5.1, 8.5.2', level: 'SHALL' },
  'ENC-encoding-push': { spec: WSP, clause: '8.2.4.1', level: 'SHALL' },
  // what the VASP mock refuses of an MM7 request from the target (mocks/vasp, checkMm7Wire)
  'TS23140-8.7.1-soap11': { spec: '3GPP TS 23.140', clause: '8.7.1', level: 'SHALL' },
  'TS23140-8.7-attachments': { spec: '3GPP TS 23.140', clause: '8.7.1', level: 'SHALL' },
  'TS23140-AnnexL-schema': { spec: '3GPP TS 23.140', clause: 'Annex L', level: 'SHALL' },
} as const satisfies Record<string, { spec: string; clause: string; level: Level }>;
export type EncodingRequirementId = keyof typeof ENCODING_REQUIREMENTS;

/** The requirement a defect in `field` (seen on `iface`) breaks. */
export function encodingRequirementId(field: string, iface: Iface): EncodingRequirementId {
  if (iface === 'WAP-PUSH') return 'ENC-encoding-push';
  if (iface === 'MM7') {
    if (field === 'Envelope@xmlns') return 'TS23140-8.7.1-soap11';
    if (field === 'multipart' || field === 'Content@href') return 'TS23140-8.7-attachments';
    return 'TS23140-AnnexL-schema';
  }
  if (field === 'X-Mms-Message-Type') return 'ENC-encoding-message-type';
  if (field.startsWith('body')) return 'ENC-encoding-body';
  const def = mmsHeaderByName(field);
  if (!def) return 'ENC-encoding-header';
  const g = def.codec.grammar;
  if (g.startsWith('Content-type')) return 'ENC-encoding-content-type';
  if (g.startsWith('Long-integer') || g.startsWith('Integer-value')) return 'ENC-encoding-integer';
  if (g.startsWith('Text-string') || g.startsWith('Encoded-string')) return 'ENC-encoding-text';
  if (def.codec.enumTable || def.codec.plain?.enumTable || g.includes('(Short-integer'))
    return 'ENC-encoding-token';
  return 'ENC-encoding-value-length';
}

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * The encoding defects of a case's timeline, one per distinct (message type, field, reason): the same
 * broken notification seen at the SMSC and at the handset, or sent twice, is one finding.
 */
export function encodingFindings(observations: readonly Observation[]): CaseFinding[] {
  const byKey = new Map<string, CaseFinding>();
  for (const o of observations) {
    if (o.kind !== 'event' || o.name !== ENCODING_DEFECT_EVENT) continue;
    const d = (o.detail ?? {}) as JsonObject;
    const field = str(d.field) ?? '?';
    const reason = str(d.reason) ?? str(d.line) ?? 'encoding defect';
    const messageType = str(d.messageType) ?? null;
    const key = `${o.iface}\u0000${messageType}\u0000${field}\u0000${reason}`;
    const seen = byKey.get(key);
    if (seen) {
      seen.seen++;
      if (!seen.nodes.includes(o.node)) seen.nodes.push(o.node);
      continue;
    }
    const id = encodingRequirementId(field, o.iface);
    const req = ENCODING_REQUIREMENTS[id];
    const offset = typeof d.offset === 'number' ? d.offset : -1;
    const clause = str(d.clause) ?? `${req.spec} ${req.clause}`;
    const cause = `${field}: ${reason}`;
    byKey.set(key, {
      kind: 'encoding-defect',
      requirement: { id, spec: req.spec, clause: req.clause, level: req.level },
      clause,
      messageType,
      field,
      reason,
      offset,
      iface: o.iface,
      nodes: [o.node],
      seen: 1,
      seq: o.seq,
      ...(o.step ? { step: o.step } : {}),
      cause,
      message: `encoding defect [${id}, ${clause}]: ${messageType ?? 'a PDU'} from the target at ${o.node}: offset ${offset}: ${cause}`,
    });
  }
  return [...byKey.values()];
}

/**
 * The case's verdict with its findings (TTCN-3 verdict overwriting: error stays error; pass and
 * inconclusive become fail): the first finding is the case's failure, cited at the step in which it
 * was seen, and its text says how the case's own steps ended, which they still ran to.
 */
export function judgeFindings(
  c: Pick<LoadedCase, 'steps' | 'source' | 'level'>,
  verdict: Verdict,
  failure: CaseFailure | undefined,
  findings: readonly CaseFinding[],
): { verdict: Verdict; failure?: CaseFailure; level: Level } {
  if (findings.length === 0 || verdict === 'error' || verdict === 'not-applicable')
    return { verdict, ...(failure ? { failure } : {}), level: c.level };
  const first = findings[0];
  const step = c.steps.find((s) => s.label === first.step);
  const own =
    verdict === 'pass'
      ? "the case's own steps passed"
      : `the case's own steps: ${verdict} at ${failure?.label ?? '?'}: ${failure?.message ?? ''}`;
  const more = findings.length > 1 ? `; ${findings.length - 1} more encoding defect(s)` : '';
  const level = strongestLevel([
    { spec: '', clause: '', level: c.level },
    ...findings.map((f) => f.requirement),
  ]);
  return {
    verdict: 'fail',
    level,
    failure: {
      step: step ? step.index : (failure?.step ?? -1),
      label: step ? step.label : (first.step ?? 'setup'),
      source: step ? step.source : c.source,
      message: `${first.message} (seen ${first.seen}x at ${first.nodes.join(', ')}; ${own}${more})`,
      expected: `${first.requirement.id} (${first.requirement.spec} ${first.requirement.clause}, ${first.requirement.level}): ${first.clause}`,
      observed: {
        messageType: first.messageType,
        field: first.field,
        offset: first.offset,
        reason: first.reason,
        nodes: first.nodes,
      },
    },
  };
}
