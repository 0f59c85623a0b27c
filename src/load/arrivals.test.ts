import { describe, expect, it } from 'vitest';
import {
  type ArrivalPlan,
  arrivalCount,
  MixPicker,
  runOpenLoop,
  type SchedulerClock,
  scheduledAt,
} from './arrivals.ts';

const flush = () => new Promise((r) => setImmediate(r));

/** A clock that moves only when the test says so; timers fire in time order. */
class ManualClock implements SchedulerClock {
  t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private ids = 0;

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): () => void {
    const id = this.ids++;
    this.timers.push({ at: this.t + Math.max(0, ms), fn, id });
    return () => {
      this.timers = this.timers.filter((x) => x.id !== id);
    };
  }

  /** Moves to `to`, firing due timers in order (each may add more), settling promises after each. */
  async advance(to: number): Promise<void> {
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > to) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
      await flush();
    }
    this.t = to;
  }
}

describe('arrival schedule', () => {
  it('spaces arrivals by the rate, ramps linearly, and counts the integral of the rate', () => {
    const flat: ArrivalPlan = { rate: 100, durationMs: 2000, rampMs: 0 };
    expect(arrivalCount(flat)).toBe(200);
    expect(scheduledAt(flat, 0)).toBeCloseTo(10);
    expect(scheduledAt(flat, 99)).toBeCloseTo(1000);
    const ramped: ArrivalPlan = { rate: 100, durationMs: 2000, rampMs: 1000 };
    // 50 in the ramp (half the flat rate on average), then 100/s
    expect(arrivalCount(ramped)).toBe(150);
    expect(scheduledAt(ramped, 49)).toBeCloseTo(1000);
    expect(scheduledAt(ramped, 149)).toBeCloseTo(2000);
    // the ramp's gaps shrink
    expect(scheduledAt(ramped, 1) - scheduledAt(ramped, 0)).toBeGreaterThan(
      scheduledAt(ramped, 49) - scheduledAt(ramped, 48),
    );
  });

  it('mixes kinds in exact proportions, evenly spread', () => {
    const p = new MixPicker([
      { kind: 'a', weight: 70 },
      { kind: 'b', weight: 30 },
    ]);
    const picks = Array.from({ length: 100 }, () => p.next());
    expect(picks.filter((k) => k === 'a').length).toBe(70);
    let run = 0;
    let longest = 0;
    for (const k of picks) {
      run = k === 'a' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    expect(longest).toBeLessThanOrEqual(3);
  });
});

describe('open loop', () => {
  it('a stalled target does not reduce the scheduled arrivals (none waits for an earlier flow)', async () => {
    const clock = new ManualClock();
    const started: number[] = [];
    const run = runOpenLoop({
      plan: { rate: 100, durationMs: 1000, rampMs: 0 },
      mix: [{ kind: 'x', weight: 1 }],
      maxInFlight: 1000,
      drainMs: 50,
      clock,
      // the target never answers
      start: (a) => {
        started.push(a.scheduledMs);
        return new Promise<string>(() => undefined);
      },
      done: () => undefined,
      overflow: () => undefined,
    });
    await clock.advance(1000);
    await clock.advance(1100);
    const s = await run;
    expect(s.planned).toBe(100);
    expect(s.started).toBe(100);
    expect(started.length).toBe(100);
    expect(s.abandoned).toBe(100);
    expect(s.finished).toBe(0);
  });

  it('counts latency from the scheduled start: a generator that was late pays for it', async () => {
    const clock = new ManualClock();
    const latencies: number[] = [];
    const lags: number[] = [];
    const run = runOpenLoop({
      plan: { rate: 10, durationMs: 1000, rampMs: 0 },
      mix: [{ kind: 'x', weight: 1 }],
      maxInFlight: 100,
      drainMs: 10_000,
      clock,
      // every flow takes 5 ms once started
      start: (a) => {
        lags.push(a.startLagMs);
        return new Promise<string>((resolve) => clock.after(5, () => resolve('ok')));
      },
      done: (_a, _r, ms) => latencies.push(ms),
      overflow: () => undefined,
    });
    // the generator stalls for 350 ms: arrivals due at 100, 200, 300 ms start at 350 ms
    clock.t = 350;
    await clock.advance(350);
    await clock.advance(2000);
    const s = await run;
    expect(s.started).toBe(10);
    expect(lags.slice(0, 3)).toEqual([250, 150, 50]);
    // 5 ms of flow after starting late: 255, 155, 55 from their scheduled times
    expect(latencies.slice(0, 3)).toEqual([255, 155, 55]);
    expect(latencies.slice(3).every((ms) => ms === 5)).toBe(true);
    expect(s.maxStartLagMs).toBe(250);
  });

  it('bounds what is in flight: arrivals beyond the cap are overflows, still scheduled on time', async () => {
    const clock = new ManualClock();
    const overflows: number[] = [];
    const run = runOpenLoop({
      plan: { rate: 100, durationMs: 500, rampMs: 0 },
      mix: [{ kind: 'x', weight: 1 }],
      maxInFlight: 10,
      drainMs: 20,
      clock,
      start: () => new Promise<string>(() => undefined),
      done: () => undefined,
      overflow: (a) => overflows.push(a.seq),
    });
    await clock.advance(600);
    const s = await run;
    expect(s.scheduled).toBe(50);
    expect(s.started).toBe(10);
    expect(s.overflowed).toBe(40);
    expect(overflows[0]).toBe(10);
    // bounded in time: the drain gives up on the stalled ones
    expect(s.abandoned).toBe(10);
    expect(s.endMs).toBeLessThanOrEqual(600);
  });
});
