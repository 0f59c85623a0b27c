import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPeerKinds } from '../peer-kinds.ts';
import { runCase } from '../run-case.ts';
import { loadSuites } from '../suite-loader.ts';
import { EmbeddedTarget, onTmpfs } from './embedded.ts';
import { reservePort } from './reserve-port.ts';

/**
 * The reserve-then-bind race of the embedded target (reserve-port.ts): another process binds a
 * port the MMSC was given before the MMSC does. Forced here by occupying the first reserved
 * port; the case must still pass, on fresh ports, with its peers pointed at them.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const squatters: net.Server[] = [];

function occupy(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.createServer((sock) => sock.destroy());
    s.once('error', reject);
    s.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      squatters.push(s);
      resolve();
    });
  });
}

afterAll(async () => {
  await Promise.all(squatters.map((s) => new Promise((r) => s.close(r))));
});

describe('embedded target: a reserved port taken before the MMSC binds it', () => {
  it.each([
    ['examples.mm7.submit.001', 'mm7-smoke.yaml'],
    ['examples.mm1.send.001', 'mm1-smoke.yaml'],
  ])(
    '%s still passes, set up again on fresh ports',
    async (id, file) => {
      const loaded = await loadSuites({
        root: path.join(repoRoot, 'suites'),
        files: [path.join(repoRoot, 'suites/examples', file)],
        suite: id,
      });
      expect(loaded.diagnostics).toEqual([]);
      expect(loaded.cases.map((c) => c.id)).toEqual([id]);
      const handedOut: number[] = [];
      const taken: number[] = [];
      const target = new EmbeddedTarget({
        // The first port of the first set-up (MM1) is bound by "another process" in between.
        reservePort: async () => {
          const port = await reservePort();
          handedOut.push(port);
          if (handedOut.length === 1) {
            await occupy(port);
            taken.push(port);
          }
          return port;
        },
      });
      await target.open();
      const result = await runCase(loaded.cases[0], {
        target,
        peerKinds: await loadPeerKinds(),
        seed: 7,
      });
      await target.close();
      expect(result.failure?.message).toBeUndefined();
      expect(result.verdict).toBe('pass');
      // Two set-ups: four ports each; the retry is on the timeline with its reason.
      expect(handedOut).toHaveLength(8);
      // the harness's own set-up retry (the MMSC's outbox may retry a report at teardown: not this)
      const retries = result.timeline.observations.filter(
        (o) => o.kind === 'event' && o.name === 'retry' && o.node === 'harness',
      );
      expect(retries).toHaveLength(1);
      expect(JSON.stringify(retries[0])).toMatch(/could not bind a reserved port.*EADDRINUSE/);
      // The MMSC that ran is the second one, on the second set of ports (mm1, mm3, mm4, mm7).
      const startedEvents = result.timeline.observations.filter(
        (o) => o.kind === 'event' && o.name === 'mmsc-started',
      );
      expect(startedEvents).toHaveLength(1);
      expect(JSON.stringify(startedEvents[0])).toContain(`http://127.0.0.1:${handedOut[4]}/mms`);
      expect(JSON.stringify(startedEvents[0])).toContain(`http://127.0.0.1:${handedOut[7]}/mm7`);
      expect(JSON.stringify(startedEvents[0])).not.toContain(`:${taken[0]}/`);
    },
    60_000,
  );
});

describe('embedded target: each case gets its own store folder, removed when the case stops', () => {
  const roots = [os.tmpdir(), ...(existsSync('/dev/shm') ? ['/dev/shm'] : [])];
  it.each(roots)(
    'starts the MMSC on a fresh folder under the store root (in %s) and removes it on stop',
    async (base) => {
      const root = mkdtempSync(path.join(base, 'mmscert-store-root-'));
      const before = process.env.MMSCERT_STORE_ROOT;
      process.env.MMSCERT_STORE_ROOT = root;
      try {
        const seen: string[] = [];
        const target = new EmbeddedTarget({
          starter: async (config) => {
            seen.push(String(config.storeDir));
            // fsyncs are kept on a disk file system, skipped on tmpfs only
            expect(config.fsync).toBe(onTmpfs(root) ? false : undefined);
            expect(existsSync(String(config.storeDir))).toBe(true);
            return { stop: async () => undefined };
          },
        });
        await target.open();
        const ctx = { timeline: undefined as never, seed: 1, peers: new Map(), msisdns: new Map() };
        const a = await target.startCase({ ...ctx, caseId: 'a' });
        const b = await target.startCase({ ...ctx, caseId: 'b' });
        await a.attach([]);
        await b.attach([]);
        expect(seen).toHaveLength(2);
        expect(seen[0]).not.toBe(seen[1]);
        for (const dir of seen) expect(path.dirname(dir)).toBe(root);
        await a.stop();
        expect(existsSync(seen[0])).toBe(false);
        expect(existsSync(seen[1])).toBe(true);
        await b.stop();
        expect(existsSync(seen[1])).toBe(false);
      } finally {
        if (before === undefined) delete process.env.MMSCERT_STORE_ROOT;
        else process.env.MMSCERT_STORE_ROOT = before;
        rmSync(root, { recursive: true, force: true });
      }
    },
  );
});
