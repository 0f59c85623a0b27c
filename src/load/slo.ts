/**
 * Service-level gates of a load run (`--slo 'flow.p99<500ms,errors<0.1%'`): each gate compares
 * one figure of the run with a limit; any gate not met fails the run (exit 1).
 *
 * Figures: `flow.pNN` / `flow.max` / `flow.mean` (latency of every flow, from its scheduled
 * start), `<kind>.pNN` (one flow kind: `mm1-mt.p99`), `step.<name>.pNN` (one step: `step.push.p95`);
 * `errors` and `timeouts` (a share with `%`, else a count), `throughput` (flows/s achieved).
 * Units: latency in `ms` or `s` (ms when none), shares in `%`, throughput in `/s`.
 */

export type SloOp = '<' | '<=' | '>' | '>=';

export interface SloGate {
  /** The gate as written (`flow.p99<500ms`). */
  text: string;
  /** `flow.p99`, `errors`, `mm1-mt.p50`, `step.push.max`, `throughput`. */
  metric: string;
  op: SloOp;
  /** In the figure's unit: ms for latency, a fraction (0.001) for a `%` share, a count otherwise. */
  limit: number;
  /** errors / timeouts: a share of the flows (`%`) or a count. */
  share?: boolean;
}

export class SloSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SloSyntaxError';
  }
}

const LATENCY = /^(flow|step\.[a-z0-9-]+|[a-z0-9]+-[a-z0-9-]+)\.(p\d{1,3}(?:\.\d+)?|max|mean)$/;
const GATE = /^\s*([a-z0-9.-]+)\s*(<=|>=|<|>)\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|%|\/s)?\s*$/;

/** Parses `flow.p99<500ms,errors<0.1%`; throws SloSyntaxError naming the bad gate. */
export function parseSlo(text: string): SloGate[] {
  const gates: SloGate[] = [];
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const m = GATE.exec(part);
    if (!m)
      throw new SloSyntaxError(
        `SLO gate '${part.trim()}': expected <figure><op><number>[unit], e.g. flow.p99<500ms`,
      );
    const [, metric, op, num, unit] = m;
    const n = Number(num);
    const g = { text: part.trim(), metric, op: op as SloOp };
    if (LATENCY.test(metric)) {
      const pct = /\.p(\d+(?:\.\d+)?)$/.exec(metric);
      if (pct && !(Number(pct[1]) > 0 && Number(pct[1]) < 100))
        throw new SloSyntaxError(`SLO gate '${g.text}': a percentile is between 0 and 100`);
      if (unit !== undefined && unit !== 'ms' && unit !== 's')
        throw new SloSyntaxError(`SLO gate '${g.text}': a latency is in ms or s`);
      gates.push({ ...g, limit: unit === 's' ? n * 1000 : n });
    } else if (metric === 'errors' || metric === 'timeouts') {
      if (unit !== undefined && unit !== '%')
        throw new SloSyntaxError(`SLO gate '${g.text}': ${metric} is a share (%) or a count`);
      gates.push(unit === '%' ? { ...g, limit: n / 100, share: true } : { ...g, limit: n, share: false });
    } else if (metric === 'throughput') {
      if (unit !== undefined && unit !== '/s')
        throw new SloSyntaxError(`SLO gate '${g.text}': throughput is in /s`);
      gates.push({ ...g, limit: n });
    } else {
      throw new SloSyntaxError(
        `SLO gate '${g.text}': unknown figure '${metric}' (flow.pNN, <kind>.pNN, step.<name>.pNN, errors, timeouts, throughput)`,
      );
    }
  }
  if (gates.length === 0) throw new SloSyntaxError('an empty SLO');
  return gates;
}

/** The figures of a run an SLO reads. */
export interface SloFigures {
  flows: number;
  errors: number;
  timeouts: number;
  /** Flows/s achieved. */
  throughput: number;
  /** Latency figure (ms) by name (`flow.p99`, `mm1-mt.p50`, `step.push.max`); undefined: no data. */
  latency(metric: string): number | undefined;
}

export interface SloVerdict {
  gate: SloGate;
  /** The figure measured (undefined: the run has no such data, e.g. no flow of that kind). */
  actual?: number;
  ok: boolean;
}

function holds(actual: number, op: SloOp, limit: number): boolean {
  if (op === '<') return actual < limit;
  if (op === '<=') return actual <= limit;
  if (op === '>') return actual > limit;
  return actual >= limit;
}

/** Each gate against the run's figures; a gate whose figure is missing is not met. */
export function evaluateSlo(gates: readonly SloGate[], f: SloFigures): SloVerdict[] {
  return gates.map((gate) => {
    let actual: number | undefined;
    if (gate.metric === 'errors' || gate.metric === 'timeouts') {
      const n = gate.metric === 'errors' ? f.errors : f.timeouts;
      actual = gate.share ? (f.flows > 0 ? n / f.flows : undefined) : n;
    } else if (gate.metric === 'throughput') actual = f.throughput;
    else actual = f.latency(gate.metric);
    return {
      gate,
      ...(actual === undefined ? {} : { actual }),
      ok: actual !== undefined && holds(actual, gate.op, gate.limit),
    };
  });
}

/** One line per gate: `flow.p99<500ms  412.3 ms  ok`. */
export function sloLine(v: SloVerdict): string {
  const { gate, actual } = v;
  const shown =
    actual === undefined
      ? 'no data'
      : gate.share
        ? `${(actual * 100).toFixed(3)}%`
        : gate.metric === 'throughput'
          ? `${actual.toFixed(1)}/s`
          : gate.metric === 'errors' || gate.metric === 'timeouts'
            ? String(actual)
            : `${actual.toFixed(1)} ms`;
  return `${gate.text}  ${shown}  ${v.ok ? 'ok' : 'BREACHED'}`;
}
