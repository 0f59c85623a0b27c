import { appendFileSync, copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crc32, crc32Table } from '../../util/crc32.ts';
import { Journal } from './journal.ts';
import { StoreError } from './store-error.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mmscert-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const b = (s: string) => Buffer.from(s, 'utf8');
const text = (v: Uint8Array | undefined) => (v === undefined ? undefined : Buffer.from(v).toString('utf8'));
const files = () => readdirSync(dir).sort();
const newestLog = () =>
  path.join(
    dir,
    files()
      .filter((f) => f.endsWith('.log'))
      .at(-1)!,
  );

describe('crc32', () => {
  it('matches the check value of CRC-32/ISO-HDLC in both implementations', () => {
    expect(crc32(b('123456789'))).toBe(0xcbf43926);
    expect(crc32Table(b('123456789'))).toBe(0xcbf43926);
    expect(crc32Table(new Uint8Array(0))).toBe(0);
  });
});

describe('Journal', () => {
  it('commits puts and deletes and replays them after a reopen', async () => {
    const j = Journal.open(dir);
    await j.commit([{ key: 'm:1', value: b('one') }]);
    await j.commit([
      { key: 'm:2', value: b('two') },
      { key: 'p:2', value: new Uint8Array([0, 255, 7]) },
    ]);
    await j.commit([{ key: 'm:1', value: b('uno') }]);
    await j.commit([{ key: 'm:2' }]);
    expect(text(j.get('m:1'))).toBe('uno');
    expect(j.get('m:2')).toBeUndefined();
    await j.close();
    const k = Journal.open(dir);
    expect([...k.keys()].sort()).toEqual(['m:1', 'p:2']);
    expect([...k.keys('p:')]).toEqual(['p:2']);
    expect(text(k.get('m:1'))).toBe('uno');
    expect([...k.get('p:2')!]).toEqual([0, 255, 7]);
    await k.close();
  });

  it('creates no file until the first commit', async () => {
    const j = Journal.open(dir);
    expect(files()).toEqual([]);
    await j.commit([{ key: 'a', value: b('A') }]);
    expect(files()).toEqual(['000000000001.log']);
    await j.close();
    const k = Journal.open(dir);
    await k.close();
    expect(files()).toEqual(['000000000001.log']);
  });

  it('groups concurrent commits into few write+sync batches', async () => {
    const j = Journal.open(dir);
    await Promise.all(Array.from({ length: 200 }, (_, i) => j.commit([{ key: `k${i}`, value: b(`v${i}`) }])));
    const s = j.stats();
    expect(s.records).toBe(200);
    expect(s.batches).toBeLessThan(20);
    expect(s.keys).toBe(200);
    await j.close();
  });

  it('a lazy commit rides on the next batch, in commit order, or goes out alone after lazyMs', async () => {
    const j = Journal.open(dir, { lazyMs: 150 });
    await j.commit([{ key: 'job', value: b('J') }]);
    const base = j.stats().batches;
    let lazyDone = false;
    const lazy = j.commit([{ key: 'job' }], { lazy: true }).then(() => {
      lazyDone = true;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(lazyDone).toBe(false); // no batch of its own yet
    expect(j.has('job')).toBe(true);
    await j.commit([{ key: 'status', value: b('done') }]); // eager: takes the lazy one along
    await lazy;
    expect(j.stats().batches - base).toBe(1);
    expect(j.has('job')).toBe(false);
    // alone, it waits lazyMs
    const t0 = performance.now();
    await j.commit([{ key: 'status' }], { lazy: true });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(j.stats().batches - base).toBe(2);
    // close writes what is still queued
    void j.commit([{ key: 'late', value: b('L') }], { lazy: true });
    await j.close();
    const k = Journal.open(dir);
    expect([...k.keys()].sort()).toEqual(['late']);
    await k.close();
  });

  it('refuses commits after close and empty or oversized records', async () => {
    const j = Journal.open(dir);
    await expect(j.commit([])).rejects.toBeInstanceOf(StoreError);
    await expect(j.commit([{ key: 'x'.repeat(70_000), value: b('v') }])).rejects.toBeInstanceOf(StoreError);
    await j.close();
    await expect(j.commit([{ key: 'a', value: b('v') }])).rejects.toBeInstanceOf(StoreError);
  });

  it('cuts a torn last record (never acknowledged) and keeps everything before it', async () => {
    const j = Journal.open(dir);
    await j.commit([{ key: 'a', value: b('A') }]);
    await j.commit([
      { key: 'b', value: b('B') },
      { key: 'c', value: b('C') },
    ]);
    await j.close();
    const log = newestLog();
    const whole = readFileSync(log);
    // the second record loses its last byte: neither of its two ops may apply
    writeFileSync(log, whole.subarray(0, whole.length - 1));
    const k = Journal.open(dir);
    expect([...k.keys()]).toEqual(['a']);
    expect(k.stats().recovered).toMatchObject({
      file: log,
      droppedBytes: whole.length - 1 - statSync(log).size,
    });
    await k.commit([{ key: 'd', value: b('D') }]);
    await k.close();
    const again = Journal.open(dir);
    expect([...again.keys()].sort()).toEqual(['a', 'd']);
    await again.close();
  });

  it('cuts trailing garbage and a record with a bad checksum at the tail', async () => {
    const j = Journal.open(dir);
    await j.commit([{ key: 'a', value: b('A') }]);
    await j.commit([{ key: 'b', value: b('B') }]);
    await j.close();
    const log = newestLog();
    const whole = readFileSync(log);
    whole[whole.length - 1] ^= 0x55; // value byte of the last record
    writeFileSync(log, whole);
    appendFileSync(log, Buffer.from([1, 2, 3]));
    const k = Journal.open(dir);
    expect([...k.keys()]).toEqual(['a']);
    await k.close();
  });

  it('refuses to open when a segment other than the newest is corrupt', async () => {
    const j = Journal.open(dir);
    await j.commit([{ key: 'a', value: b('A') }]);
    await j.close();
    const first = newestLog();
    const second = Journal.open(dir);
    await second.commit([{ key: 'b', value: b('B') }]); // a second segment now follows the first
    await second.close();
    const bytes = readFileSync(first);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(first, bytes);
    expect(() => Journal.open(dir)).toThrow(StoreError);
  });

  it('rotates segments and compacts them, keeping the newest value of every key', async () => {
    const j = Journal.open(dir, { segmentBytes: 4096, compactMinBytes: 16_384 });
    for (let round = 0; round < 60; round++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          j.commit([{ key: `k${i}`, value: b(`${round}:${'x'.repeat(100)}`) }]),
        ),
      );
      if (round === 30) await j.commit([{ key: 'k9' }]);
    }
    await j.close();
    const s = Journal.open(dir);
    expect(s.stats().compactions).toBe(0); // counters are per open; the files tell
    expect(files().filter((f) => f.endsWith('.compact')).length).toBeLessThanOrEqual(1);
    expect(files().length).toBeLessThan(12);
    for (let i = 0; i < 9; i++) expect(text(s.get(`k${i}`))?.split(':')[0]).toBe('59');
    expect(text(s.get('k9'))?.split(':')[0]).toBe('59'); // re-put after its delete
    await s.close();
  });

  it('reports compactions and stays consistent while commits go on', async () => {
    const j = Journal.open(dir, { segmentBytes: 2048, compactMinBytes: 4096 });
    for (let i = 0; i < 400; i++) {
      await j.commit([{ key: `k${i % 7}`, value: b(`${i}`.padEnd(200, '.')) }]);
      if (i % 50 === 0) await j.commit([{ key: `gone${i}`, value: b('x') }]);
      if (i % 50 === 25) await j.commit([{ key: `gone${i - 25}` }]);
    }
    expect(j.stats().compactions).toBeGreaterThan(0);
    const expected = new Map([...j.keys()].map((k) => [k, text(j.get(k))]));
    await j.close();
    const k = Journal.open(dir);
    expect(new Map([...k.keys()].map((x) => [x, text(k.get(x))]))).toEqual(expected);
    expect([...k.keys()].some((x) => x.startsWith('gone'))).toBe(false);
    await k.close();
  });

  it('finishes an interrupted compaction: a committed .compact supersedes older segments', async () => {
    const j = Journal.open(dir, { segmentBytes: 1024, compactMinBytes: 2048 });
    await j.commit([{ key: 'stale', value: b('old') }]);
    const firstLog = newestLog();
    const saved = path.join(os.tmpdir(), `${path.basename(dir)}-${path.basename(firstLog)}`);
    copyFileSync(firstLog, saved);
    await j.commit([{ key: 'stale' }]);
    for (let i = 0; i < 80; i++) await j.commit([{ key: `k${i % 3}`, value: b('y'.repeat(100)) }]);
    await j.close();
    const compact = files().find((f) => f.endsWith('.compact'));
    expect(compact).toBeDefined();
    // as if the crash came after the rename of the .compact but before the old segment was deleted
    copyFileSync(saved, firstLog);
    writeFileSync(path.join(dir, '000000000099.compact.tmp'), 'half-written');
    const k = Journal.open(dir);
    expect(k.has('stale')).toBe(false);
    expect(files()).not.toContain(path.basename(firstLog));
    expect(files().some((f) => f.endsWith('.tmp'))).toBe(false);
    expect([...k.keys()].sort()).toEqual(['k0', 'k1', 'k2']);
    await k.close();
    await rm(saved, { force: true });
  });

  it('opens whatever the bytes of its newest segment are, or refuses with StoreError (seeded mutations)', async () => {
    const j = Journal.open(dir);
    for (let i = 0; i < 20; i++) await j.commit([{ key: `k${i}`, value: b(`value-${i}`) }, { key: `d${i}` }]);
    await j.close();
    const log = newestLog();
    const good = readFileSync(log);
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let opened = 0;
    for (let t = 0; t < 150; t++) {
      for (const f of files()) if (f !== path.basename(log)) await rm(path.join(dir, f));
      const bytes = Buffer.from(good.subarray(0, rnd(good.length + 1)));
      for (let m = 0; m < 3 && bytes.length > 0; m++) bytes[rnd(bytes.length)] = rnd(256);
      writeFileSync(log, bytes);
      try {
        const k = Journal.open(dir);
        // every record that survives its checksum is one of the originals, byte for byte
        for (const key of k.keys()) expect(text(k.get(key))).toBe(`value-${/^k(\d+)$/.exec(key)?.[1]}`);
        await k.close();
        opened += 1;
      } catch (e) {
        expect(e).toBeInstanceOf(StoreError);
      }
    }
    expect(opened).toBeGreaterThan(50);
  });
});

describe('Journal compaction of a compaction', () => {
  it('recompacts its own .compact file (same name) without deleting what it just wrote', async () => {
    const j = Journal.open(dir, { segmentBytes: 512, compactMaxSegments: 1 });
    for (let i = 0; i < 50; i++) await j.commit([{ key: `k${i}`, value: b(`${i}`.padEnd(100, '#')) }]);
    expect(j.stats().compactions).toBeGreaterThan(1);
    await j.close();
    const k = Journal.open(dir);
    expect([...k.keys()].length).toBe(50);
    for (let i = 0; i < 50; i++) expect(text(k.get(`k${i}`))).toBe(`${i}`.padEnd(100, '#'));
    await k.close();
  });
});
