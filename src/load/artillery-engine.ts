import path from 'node:path';
import type { Target } from '../harness/target.ts';
import type { FlowKind, FlowResult, LoadRig } from './flows.ts';

/**
 * mmscert's MMS flows as an Artillery 2 engine (`engines: { mmscert: {...} }` in a script; its
 * scenarios' steps name flows), so `artillery run` drives the same real exchanges as
 * `mmscert load` and Artillery's own phases, metrics, reports and distributed runners apply.
 * tools/artillery/artillery-engine-mmscert/index.js is the package Artillery resolves
 * (`artillery-engine-<name>`); it loads this module through tsx.
 *
 * Artillery's engine contract (artillery 2.0.34, dist/lib/core/runner.js): `new Engine(script,
 * ee, helpers)` once per worker; an `async init()` is awaited before the first arrival;
 * `createScenario(spec, events)` returns `(context, callback)` run once per virtual user, which
 * emits `started`, then metrics (`counter`, `histogram`, `error`) on `events`, and calls back.
 *
 * Each Artillery worker starts its own rig (our peers and handsets, and the reference MMSC when
 * the target is embedded): a distributed run gives every worker its own, the way each worker of
 * the HTTP engine has its own connection pool.
 *
 * The flows, targets and peers are imported when Artillery initialises the engine (init), not
 * with this module: its unit tests stay cheap.
 *
 * Metrics (what a run's report shows):
 * - `mmscert.flows.<kind>.ok` / `mmscert.flows.<kind>.failed`: counters;
 * - `mmscert.flow.<kind>`: whole-flow latency (ms), a histogram;
 * - `mmscert.step.<kind>.<step>`: each step's latency (ms) after the step before;
 * - `errors.mmscert.<kind>.<error kind>[.<step>]`: one counter per failure cause (timeout,
 *   refused, transport, busy, unsupported), through Artillery's `error` event.
 */

/** `config.engines.mmscert` of a script. */
export interface MmscertEngineConfig {
  /**
   * A target config file (as `mmscert run --config F`), resolved against the script's folder;
   * absent: the embedded reference MMSC.
   */
  config?: string;
  /** Overrides of the embedded reference MMSC's config (src/mmsc/config.ts), e.g. `deviate: [...]`. */
  mmsc?: Record<string, unknown>;
  recipients?: number;
  senders?: number;
  stepTimeoutMs?: number;
  seed?: number;
  /** The flows to prepare; default: the kinds the scenarios name. */
  kinds?: FlowKind[];
}

/** One step of a scenario's `flow:` list. */
export type ScenarioStep = { flow: string } | { think: number };

/** The parts of an Artillery script the engine reads. */
export interface ArtilleryScript {
  config: { engines?: Record<string, unknown>; [k: string]: unknown };
  scenarios?: { engine?: string; flow?: unknown[] }[];
  _configPath?: string;
}

/** Artillery's per-scenario event emitter (only `emit` is used). */
export interface ArtilleryEvents {
  emit(event: string, ...args: unknown[]): unknown;
}

/** Artillery's `helpers` (commons/engine_util): templates `{{ x }}` against a VU's context. */
export interface ArtilleryHelpers {
  template?: (value: unknown, context: ArtilleryContext) => unknown;
}

export interface ArtilleryContext {
  vars: Record<string, unknown>;
  [k: string]: unknown;
}

export type ScenarioFn = (
  context: ArtilleryContext,
  callback: (err: Error | null, context: ArtilleryContext) => void,
) => void;

/** How the engine gets its rig; tests replace it. */
export type RigFactory = (cfg: MmscertEngineConfig, scriptDir: string, kinds: FlowKind[]) => Promise<LoadRig>;
export type FlowRunner = (rig: LoadRig, kind: FlowKind, seq: number) => Promise<FlowResult>;

const isKind = (known: readonly string[], k: string): k is FlowKind => known.includes(k);

/**
 * A scenario's steps, checked against the known flow kinds (src/load/flows.ts FLOW_KINDS); throws
 * with the scenario's position on anything unknown.
 */
export function parseScenarioSteps(
  flow: unknown[] | undefined,
  where: string,
  known: readonly string[],
): ScenarioStep[] {
  if (!Array.isArray(flow) || flow.length === 0)
    throw new Error(`mmscert engine: ${where} has no flow steps`);
  return flow.map((raw, i) => {
    const at = `${where} step ${i + 1}`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw new Error(`mmscert engine: ${at}: a step is { flow: KIND } or { think: SECONDS }`);
    const keys = Object.keys(raw);
    const o = raw as Record<string, unknown>;
    if (keys.length === 1 && typeof o.flow === 'string') {
      // a template (`{{ kind }}`) is checked when it is resolved, per virtual user
      if (!o.flow.includes('{{') && !isKind(known, o.flow))
        throw new Error(`mmscert engine: ${at}: unknown flow '${o.flow}' (known: ${known.join(', ')})`);
      return { flow: o.flow };
    }
    if (keys.length === 1 && typeof o.think === 'number' && o.think >= 0) return { think: o.think };
    throw new Error(
      `mmscert engine: ${at}: a step is { flow: KIND } or { think: SECONDS }, not ${JSON.stringify(raw)}`,
    );
  });
}

/** The flow kinds a script's mmscert scenarios name literally. */
export function kindsOfScript(
  script: ArtilleryScript,
  known: readonly string[],
  engineName = 'mmscert',
): FlowKind[] {
  const kinds = new Set<FlowKind>();
  for (const sc of script.scenarios ?? []) {
    if (sc.engine !== engineName) continue;
    for (const step of sc.flow ?? []) {
      const f = (step as { flow?: unknown } | null)?.flow;
      if (typeof f === 'string' && isKind(known, f)) kinds.add(f);
    }
  }
  return [...kinds];
}

/** Artillery's error counter names are free text: keep them short and of few values. */
export function errorCode(kind: FlowKind, r: FlowResult): string {
  const e = r.error;
  if (!e) return `mmscert.${kind}.failed`;
  return `mmscert.${kind}.${e.kind}${e.step ? `.${e.step}` : ''}`;
}

/** Emits one flow's metrics. */
export function emitFlowMetrics(events: ArtilleryEvents, kind: FlowKind, r: FlowResult, ms: number): void {
  if (r.ok) {
    events.emit('counter', `mmscert.flows.${kind}.ok`, 1);
    events.emit('histogram', `mmscert.flow.${kind}`, ms);
    for (const s of r.steps) events.emit('histogram', `mmscert.step.${kind}.${s.name}`, s.ms);
  } else {
    events.emit('counter', `mmscert.flows.${kind}.failed`, 1);
    events.emit('error', errorCode(kind, r));
  }
}

export const defaultRigFactory: RigFactory = async (cfg, scriptDir, kinds) => {
  const { createTarget, targetFromConfigFile } = await import('../harness/targets/create-target.ts');
  const { startLoadRig } = await import('./flows.ts');
  let target: Target;
  if (cfg.config) {
    target = targetFromConfigFile(path.resolve(scriptDir, cfg.config)).target;
  } else {
    target = createTarget(cfg.mmsc ? { target: { kind: 'embedded', mmsc: cfg.mmsc } } : undefined);
  }
  return startLoadRig({
    target,
    kinds: cfg.kinds ?? kinds,
    ...(cfg.recipients !== undefined ? { recipients: cfg.recipients } : {}),
    ...(cfg.senders !== undefined ? { senders: cfg.senders } : {}),
    ...(cfg.stepTimeoutMs !== undefined ? { stepTimeoutMs: cfg.stepTimeoutMs } : {}),
    ...(cfg.seed !== undefined ? { seed: cfg.seed } : {}),
  });
};

/** What the engine takes from src/load/flows.ts; tests give their own. */
export interface EngineDeps {
  /** The flow kinds there are (FLOW_KINDS). */
  known?: readonly FlowKind[];
  rigFactory?: RigFactory;
  runFlow?: FlowRunner;
}

export class MmscertEngine {
  private rigStart?: Promise<LoadRig>;
  private seq = 0;
  private stopHooked = false;
  private readonly cfg: MmscertEngineConfig;
  private readonly scriptDir: string;
  private loaded?: Promise<Required<EngineDeps>>;
  /** The known flow kinds, once loaded. */
  private known?: readonly FlowKind[];

  constructor(
    private readonly script: ArtilleryScript,
    private readonly ee: ArtilleryEvents & { stop?: (...a: unknown[]) => Promise<unknown> },
    private readonly helpers: ArtilleryHelpers = {},
    private readonly deps: EngineDeps = {},
  ) {
    this.cfg = (script.config.engines?.mmscert ?? {}) as MmscertEngineConfig;
    this.scriptDir = script._configPath ? path.dirname(script._configPath) : process.cwd();
  }

  private load(): Promise<Required<EngineDeps>> {
    this.loaded ??= (async () => {
      const d = this.deps;
      const flows = d.known && d.runFlow ? undefined : await import('./flows.ts');
      const known = d.known ?? flows!.FLOW_KINDS;
      this.known = known;
      return { known, runFlow: d.runFlow ?? flows!.runFlow, rigFactory: d.rigFactory ?? defaultRigFactory };
    })();
    return this.loaded;
  }

  /**
   * Awaited by Artillery before the first arrival (it checks for an AsyncFunction): loads the
   * flows and starts the rig. A rig that does not start fails the worker here, loudly.
   */
  async init(): Promise<void> {
    await this.start();
  }

  private start(): Promise<LoadRig> {
    this.rigStart ??= this.load().then((d) =>
      d.rigFactory(this.cfg, this.scriptDir, kindsOfScript(this.script, d.known)),
    );
    return this.rigStart;
  }

  /** Stops the rig (its peers, and the embedded MMSC with its store folder). */
  async close(): Promise<void> {
    const start = this.rigStart;
    this.rigStart = undefined;
    if (start) await (await start.catch(() => undefined))?.close();
  }

  /**
   * Artillery gives engines no stop hook; a worker's stop calls the runner's `ee.stop()` (set
   * after the engines are made), then exits. Wrapping it closes the rig first.
   */
  private hookStop(): void {
    if (this.stopHooked) return;
    this.stopHooked = true;
    const orig = this.ee.stop;
    this.ee.stop = async (...a: unknown[]) => {
      await this.close();
      return orig?.apply(this.ee, a);
    };
  }

  /** Called by Artillery at the first arrival, after init(). */
  createScenario(spec: { name?: string; flow?: unknown[] }, events: ArtilleryEvents): ScenarioFn {
    const where = `scenario '${spec.name ?? '(unnamed)'}'`;
    const known = this.deps.known ?? this.known;
    if (!known) throw new Error('mmscert engine: createScenario before init()');
    const steps = parseScenarioSteps(spec.flow, where, known);
    this.hookStop();
    return (context, callback) => {
      events.emit('started');
      void (async () => {
        const d = await this.load();
        const rig = await this.start();
        for (const step of steps) {
          if ('think' in step) {
            await new Promise((r) => setTimeout(r, step.think * 1000));
            continue;
          }
          const name = String(this.helpers.template ? this.helpers.template(step.flow, context) : step.flow);
          if (!isKind(d.known, name)) throw new Error(`unknown flow '${name}'`);
          const t0 = performance.now();
          const r = await d.runFlow(rig, name, this.seq++);
          emitFlowMetrics(events, name, r, performance.now() - t0);
          // a failed flow ends the virtual user (vusers.failed), as a failed request does in the HTTP engine
          if (!r.ok) throw new Error(errorCode(name, r));
        }
      })().then(
        () => callback(null, context),
        (e: unknown) => {
          // a failed flow was counted above; anything else (a template naming no flow, the rig not
          // starting) is counted here
          const err = e instanceof Error ? e : new Error(String(e));
          if (!err.message.startsWith('mmscert.'))
            events.emit('error', `mmscert.engine: ${err.message.slice(0, 80)}`);
          callback(err, context);
        },
      );
    };
  }
}
