import { describe, expect, it } from 'vitest';
import { FlowTracer } from './flow-trace.ts';

describe('FlowTracer', () => {
  it('reports each segment of the flows that finished, and syncs per flow, then starts over', () => {
    const t = new FlowTracer();
    for (const [id, base] of [
      ['a', 0],
      ['b', 100],
    ] as const) {
      t.mark(id, 'recv', base);
      t.mark(id, 'stored', base + 4);
      t.mark(id, 'stored', base + 9); // the first stamp stands
      t.mark(id, 'conf', base + 5);
      t.mark(id, 'notifyStored', base + 30);
      t.mark(id, 'jobDone', base + 20);
    }
    t.mark('open', 'recv', 0); // not finished: not counted
    t.sync(2, 3);
    t.sync(4, 1);
    const s = t.summary();
    expect(s.flows).toBe(2);
    const seg = (from: string, to: string) => s.segments.find((x) => x.from === from && x.to === to)!;
    expect(seg('recv', 'conf')).toMatchObject({ count: 2, p50: 5, p99: 5 });
    expect(seg('recv', 'notifyStored')).toMatchObject({ count: 2, p50: 30 });
    expect(seg('recv', 'resolved').count).toBe(0);
    expect(s.syncs).toMatchObject({ count: 2, totalMs: 6, perFlow: 1 });
    expect(s.commits).toMatchObject({ records: 4, batches: 2, recordsPerFlow: 2 });
    const next = t.summary();
    expect(next).toMatchObject({ flows: 0, seq: s.seq + 1, syncs: { count: 0 } });
  });
});
