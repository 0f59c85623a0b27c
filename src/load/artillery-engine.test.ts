import { describe, expect, it } from 'vitest';
import {
  type ArtilleryContext,
  type ArtilleryScript,
  errorCode,
  kindsOfScript,
  MmscertEngine,
  parseScenarioSteps,
} from './artillery-engine.ts';
import type { FlowKind, FlowResult, LoadRig } from './flows.ts';

// FLOW_KINDS of src/load/flows.ts (not imported: it brings the harness and every peer)
const known: FlowKind[] = ['mm1-mt', 'mm7-submit', 'mm4-in', 'mm4-out'];

/** Artillery's scenario emitter, recorded. */
function recorder() {
  const events: [string, ...unknown[]][] = [];
  return { events, emit: (e: string, ...a: unknown[]) => events.push([e, ...a]) };
}

const fakeRig = { close: async () => undefined } as unknown as LoadRig;

function runScenario(engine: MmscertEngine, flow: unknown[], context: ArtilleryContext = { vars: {} }) {
  const rec = recorder();
  const fn = engine.createScenario({ name: 't', flow }, rec);
  return new Promise<{ err: Error | null; events: typeof rec.events }>((resolve) =>
    fn(context, (err) => resolve({ err, events: rec.events })),
  );
}

const script = (engines: Record<string, unknown> = { mmscert: {} }): ArtilleryScript => ({
  config: { engines },
  scenarios: [
    { engine: 'mmscert', flow: [{ flow: 'mm1-mt' }, { flow: 'mm7-submit' }] },
    { engine: 'http', flow: [{ get: { url: '/' } }] },
    { engine: 'mmscert', flow: [{ flow: 'mm1-mt' }, { think: 0 }] },
  ],
  _configPath: '/x/y/script.yml',
});

describe('mmscert Artillery engine', () => {
  it('checks scenario steps and names what is wrong', () => {
    expect(parseScenarioSteps([{ flow: 'mm4-in' }, { think: 0.5 }], 's', known)).toEqual([
      { flow: 'mm4-in' },
      { think: 0.5 },
    ]);
    expect(() => parseScenarioSteps([{ flow: 'mm9' }], 's', known)).toThrow(/s step 1: unknown flow 'mm9'/);
    expect(() => parseScenarioSteps([{ get: '/' }], 's', known)).toThrow(/step 1/);
    expect(() => parseScenarioSteps([{ flow: 'mm1-mt', x: 1 }], 's', known)).toThrow(/step 1/);
    expect(() => parseScenarioSteps([], 's', known)).toThrow(/no flow steps/);
    // a template is resolved per virtual user
    expect(parseScenarioSteps([{ flow: '{{ kind }}' }], 's', known)).toEqual([{ flow: '{{ kind }}' }]);
  });

  it('prepares the kinds its scenarios name, not other engines', () => {
    expect(kindsOfScript(script(), known).sort()).toEqual(['mm1-mt', 'mm7-submit']);
  });

  it('starts one rig with its config, the script folder and the kinds; runs each flow step; closes on stop', async () => {
    const made: unknown[][] = [];
    const ran: [FlowKind, number][] = [];
    let closed = 0;
    let origStopped = 0;
    const ee = { emit: () => true, stop: async () => void origStopped++ } as {
      emit: () => boolean;
      stop?: (...a: unknown[]) => Promise<unknown>;
    };
    const engine = new MmscertEngine(
      script({ mmscert: { stepTimeoutMs: 500 } }),
      ee,
      {},
      {
        known,
        rigFactory: async (...a) => {
          made.push(a);
          return { close: async () => void closed++ } as unknown as LoadRig;
        },
        runFlow: async (_rig, kind, seq) => {
          ran.push([kind, seq]);
          return { ok: true, steps: [{ name: 'submit', ms: 3 }] };
        },
      },
    );
    await engine.init();
    const { err, events } = await runScenario(engine, [
      { flow: 'mm1-mt' },
      { think: 0 },
      { flow: 'mm4-out' },
    ]);
    expect(err).toBeNull();
    expect(made).toEqual([[{ stepTimeoutMs: 500 }, '/x/y', ['mm1-mt', 'mm7-submit']]]);
    expect(ran).toEqual([
      ['mm1-mt', 0],
      ['mm4-out', 1],
    ]);
    expect(events.map((e) => e.slice(0, 2))).toEqual([
      ['started'],
      ['counter', 'mmscert.flows.mm1-mt.ok'],
      ['histogram', 'mmscert.flow.mm1-mt'],
      ['histogram', 'mmscert.step.mm1-mt.submit'],
      ['counter', 'mmscert.flows.mm4-out.ok'],
      ['histogram', 'mmscert.flow.mm4-out'],
      ['histogram', 'mmscert.step.mm4-out.submit'],
    ]);
    await ee.stop?.();
    expect([closed, origStopped]).toEqual([1, 1]);
  });

  it('counts a failed flow by its cause and ends the virtual user with an error', async () => {
    const fail: FlowResult = {
      ok: false,
      steps: [],
      error: { kind: 'timeout', step: 'push', detail: 'no push in 5 s' },
    };
    let runs = 0;
    const engine = new MmscertEngine(
      script(),
      { emit: () => true },
      {},
      {
        known,
        rigFactory: async () => fakeRig,
        runFlow: async () => {
          runs++;
          return fail;
        },
      },
    );
    const { err, events } = await runScenario(engine, [{ flow: 'mm7-submit' }, { flow: 'mm1-mt' }]);
    expect(err?.message).toBe('mmscert.mm7-submit.timeout.push');
    expect(runs).toBe(1);
    expect(events).toEqual([
      ['started'],
      ['counter', 'mmscert.flows.mm7-submit.failed', 1],
      ['error', 'mmscert.mm7-submit.timeout.push'],
    ]);
    expect(errorCode('mm4-in', { ok: false, steps: [], error: { kind: 'busy', detail: 'x' } })).toBe(
      'mmscert.mm4-in.busy',
    );
  });

  it('resolves a templated flow name per virtual user; a name that is no flow is an error of the engine', async () => {
    const ran: FlowKind[] = [];
    const engine = new MmscertEngine(
      script(),
      { emit: () => true },
      { template: (v, ctx) => String(v).replace('{{ kind }}', String(ctx.vars.kind)) },
      {
        known,
        rigFactory: async () => fakeRig,
        runFlow: async (_r, kind) => {
          ran.push(kind);
          return { ok: true, steps: [] };
        },
      },
    );
    expect(
      (await runScenario(engine, [{ flow: '{{ kind }}' }], { vars: { kind: 'mm4-in' } })).err,
    ).toBeNull();
    expect(ran).toEqual(['mm4-in']);
    const bad = await runScenario(engine, [{ flow: '{{ kind }}' }], { vars: { kind: 'nope' } });
    expect(bad.err?.message).toMatch(/unknown flow 'nope'/);
    expect(bad.events).toContainEqual(['error', "mmscert.engine: unknown flow 'nope'"]);
  });

  it('a rig that does not start fails each virtual user, counted', async () => {
    const engine = new MmscertEngine(
      script(),
      { emit: () => true },
      {},
      {
        known,
        runFlow: async () => ({ ok: true, steps: [] }),
        rigFactory: async () => {
          throw new Error('peer smsc did not start');
        },
      },
    );
    await expect(engine.init()).rejects.toThrow(/smsc/);
    const { err, events } = await runScenario(engine, [{ flow: 'mm1-mt' }]);
    expect(err?.message).toMatch(/smsc/);
    expect(events.at(-1)).toEqual(['error', 'mmscert.engine: peer smsc did not start']);
  });
});
