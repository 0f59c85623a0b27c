import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedCase } from '../src/harness/case-model.ts';
import { loadPeerKinds } from '../src/harness/peer-kinds.ts';
import type { CaseResult } from '../src/harness/run-result.ts';
import { runSuites } from '../src/harness/runner.ts';
import { loadSuites } from '../src/harness/suite-loader.ts';
import { EmbeddedTarget } from '../src/harness/targets/embedded.ts';

/**
 * Issue 20, reproducible runs: a seeded run writes the same octets every time. A few cases over
 * MM1, the WAP push, SMPP, MM4, MM3 and MM5 run twice against the embedded reference MMSC with the
 * same seed: every PDU, mail, SMPP PDU and DNS message the nodes recorded is the same, octet for
 * octet (Message-IDs, transaction ids, content-location tokens, Date fields, absolute expiries,
 * MIME boundaries, concatenation references). A third run with another seed writes other ones.
 *
 * What is masked, and why: the loopback ports (the OS hands them out: content locations carry
 * the MMSC's MM1 port) and the DNS message ID of MM5 queries (the MMSC resolves through the
 * system resolver, c-ares, which picks it). Capture timestamps are not compared (the timeline's,
 * not the nodes'). The case clock starts at a time derived from the seed and then runs at the
 * wall clock's rate: these cases write everything within their first second.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const CASES = ['mm1.send.001', 'mm1.report.001', 'mm4.out.001', 'mm3.out.001'];

let cases: LoadedCase[];
let target: EmbeddedTarget;
let peerKinds: Awaited<ReturnType<typeof loadPeerKinds>>;

beforeAll(async () => {
  peerKinds = await loadPeerKinds();
  const loaded = await loadSuites({ root: path.resolve(here, '../suites'), peerKinds });
  cases = loaded.cases.filter((c) => CASES.includes(c.id));
  target = new EmbeddedTarget();
  await target.open();
});

afterAll(async () => {
  await target?.close();
});

/** Every recorded octet string of a case, masked as described above, in a stable order. */
function wire(c: CaseResult): string[] {
  const out: string[] = [];
  for (const o of c.timeline.observations) {
    if (o.kind !== 'message' || !o.raw) continue;
    const raw = Buffer.from(o.raw);
    // a DNS message (RFC 1035 §4.1.1): its first two octets are the ID
    if (o.iface === 'MM5' && !o.type.startsWith('hlr-') && raw.length >= 12) raw.fill(0, 0, 2);
    const text = raw.toString('latin1').replace(/127\.0\.0\.1:\d+/g, (m) => m.replace(/\d+$/, 'PORT'));
    out.push(`${o.node} ${o.iface} ${o.direction} ${o.type} ${Buffer.from(text, 'latin1').toString('hex')}`);
  }
  return out.sort();
}

async function run(seed: number): Promise<Map<string, string[]>> {
  const r = await runSuites({ cases, target, peerKinds, seed, jobs: 1 });
  const out = new Map<string, string[]>();
  for (const c of r.cases) {
    expect(c.verdict, `${c.id}: ${c.failure?.message ?? ''}`).toBe('pass');
    out.set(c.id, wire(c));
  }
  return out;
}

describe('a seeded run', () => {
  it('writes the same octets with the same seed, other ones with another seed', async () => {
    expect(cases.map((c) => c.id).sort()).toEqual([...CASES].sort());
    const first = await run(20261207);
    const again = await run(20261207);
    const other = await run(20261208);
    for (const id of CASES) {
      const a = first.get(id) ?? [];
      expect(a.length, `${id} recorded messages`).toBeGreaterThan(5);
      expect(again.get(id), `${id}: same seed, same octets`).toEqual(a);
      const b = new Set(other.get(id) ?? []);
      expect(a.filter((x) => !b.has(x)).length, `${id}: another seed, other ids and times`).toBeGreaterThan(
        0,
      );
    }
  }, 180_000);
});
