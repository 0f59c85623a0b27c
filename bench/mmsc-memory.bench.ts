import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildPdu, encodeMms, getHeader, type MmsPdu } from '../src/codec/mms/index.ts';
import { newMessageId, newToken, newTransactionId } from '../src/mmsc/ids.ts';
import { MessageStore, type StoredMessage } from '../src/mmsc/store/message-store.ts';
import { openStoreBackend } from '../src/mmsc/store/store-backend.ts';
import { LeanSmsc } from '../test/support/lean-smsc.ts';
import { Mm1Client, sendReq } from '../test/support/mm1-client.ts';

/**
 * Memory of the reference MMSC under sustained load and after a restart (issue 19 item 2).
 *
 * 1. Sustained load: MM1 m-send-req at an open-loop rate against the MMSC in its own process
 *    (fsync on, SMPP notifications to a lean SMSC). Messages stay stored until they expire,
 *    then retention purges them (expiry and retention scaled to the run, so the store reaches
 *    its steady size within the warm-up). RSS and heapUsed are sampled every second; the RSS
 *    slope after warm-up (least squares against accepted messages) is the figure (goal < 0.1 KB
 *    per message), split into the slopes of V8's heapTotal, external memory and the rest (malloc,
 *    code, stacks). At the end of warm-up and at the end the load stops until nothing is in flight
 *    and the outbox is empty, then two full GCs: the heap figures of these two quiescent points
 *    differ only by what the MMSC retains (not by the backlog of the moment), and
 *    MEM_BENCH_SNAPSHOTS=DIR writes a heap snapshot at each (warm.heapsnapshot, end.heapsnapshot;
 *    bench/support/heap-diff.ts compares them; the snapshot writer's own ~250 MB stays resident, so
 *    the RSS figures of such a run mean nothing). `MEM_BENCH_FLOW=full` also retrieves each message
 *    and answers the notification. The MMSC's process limits its heap growth as `mmscert serve`
 *    does (src/mmsc/heap-growth.ts; MEM_BENCH_HEAP_GROWTH=PERCENT, 0 for V8's own factor).
 * 2. Restart: a store of MEM_BENCH_STORE_MB (default 1024) written through the store API
 *    (messages of MEM_BENCH_MSG_BYTES, each with one notified local recipient, none expired),
 *    then `mmscert serve` started on it: RSS once it listens (goal < 150 MB), its peak, and how
 *    long start-up took against the same start on an empty store (the index rebuild). One message
 *    is then retrieved over MM1 (its state and body read from disk).
 *
 * `npm run bench -- mmsc-memory` gives the figures (10 minutes of load, a 1 GB store: about 13
 * minutes in all); `npm run bench -- mmsc-memory --quick` is a short check (60 s, a 256 MB store).
 * MEM_BENCH_SECONDS (600; 60 quick), MEM_BENCH_RATE (500), MEM_BENCH_STORE_MB (1024; 256 quick),
 * MEM_BENCH_PART (`load`, `restart` or both), MEM_BENCH_WARMUP_SECONDS (40% of the run),
 * MEM_BENCH_EXPIRY_SECONDS and MEM_BENCH_RETENTION_SECONDS (20% and 10% of the run),
 * MEM_BENCH_SAMPLES=FILE (every sample as CSV, with the journal's segment files),
 * MEM_BENCH_PROMOTED_PROFILE=FILE (what outlives a young-generation collection: the child's doc). The last lines
 * sum both figures up with the machine's load average (other processes on the machine slow the
 * MMSC down and move the figures).
 */

const repoRoot = path.resolve(import.meta.dirname, '..');
const childScript = path.join(import.meta.dirname, 'support/mmsc-memory-child.ts');

interface Mem {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}
type Reply =
  | { mem: Mem; messages: number; jobs: number; spaces: Record<string, number> }
  | { ready: string; startMs: number }
  | { snapshot: string };

class Child {
  private readonly waiting: Array<(r: Reply) => void> = [];
  constructor(readonly proc: ChildProcess) {
    proc.on('message', (m: Reply) => this.waiting.shift()?.(m));
  }
  ask(cmd: object): Promise<Reply> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.proc.send(cmd);
    });
  }
  async mem(
    gc = false,
  ): Promise<{ mem: Mem; messages: number; jobs: number; spaces: Record<string, number> }> {
    return (await this.ask({ cmd: 'mem', gc })) as {
      mem: Mem;
      messages: number;
      jobs: number;
      spaces: Record<string, number>;
    };
  }
}

function startChild(config: object): Promise<{ child: Child; url: string }> {
  const proc = fork(childScript, [JSON.stringify(config)], {
    cwd: repoRoot,
    // MEM_BENCH_NODE_FLAGS: extra node/V8 flags for the MMSC (e.g. --max-semi-space-size=4)
    execArgv: [
      '--expose-gc',
      ...(process.env.MEM_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
      '--import',
      'tsx',
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '32' },
  });
  return new Promise((resolve, reject) => {
    proc.once('message', (m: Reply) => {
      if ('ready' in m) resolve({ child: new Child(proc), url: m.ready });
    });
    proc.once('exit', (code) => reject(new Error(`MMSC exited ${code}`)));
  });
}

/**
 * Resident bytes of a process by mapping kind (/proc/PID/smaps): `[heap]` (glibc's main arena),
 * `anon` (V8's pages, other malloc arenas, large mallocs, thread stacks), `[stack]`, and `file`.
 */
async function residentByKind(pid: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  let kind = 'anon';
  for (const line of (await readFile(`/proc/${pid}/smaps`, 'utf8')).split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) {
      const name = head[1].trim();
      kind = name === '' ? 'anon' : name.startsWith('[') ? name : 'file';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) out[kind] = (out[kind] ?? 0) + Number(rss[1]) * 1024;
  }
  return out;
}

/** Least-squares slope of y over x. */
function slope(points: Array<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return num / den;
}

const MB = 1024 * 1024;
const mb = (b: number) => (b / MB).toFixed(1);

const quick = process.argv.includes('--quick');
const results: string[] = [];
const load = () =>
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${os.cpus().length} cores`;

async function sustained(seconds: number, rate: number, flow: 'submit' | 'full'): Promise<void> {
  const smsc = new LeanSmsc();
  await smsc.start();
  const storeDir = await mkdtemp(path.join(process.env.MMSC_BENCH_STORE_ROOT || os.tmpdir(), 'mmscert-mem-'));
  // scaled so the store reaches its steady size (expiry + retention) well within the warm-up
  const expirySeconds = Number(
    process.env.MEM_BENCH_EXPIRY_SECONDS ?? Math.max(5, Math.round(seconds * 0.2)),
  );
  const retentionSeconds = Number(
    process.env.MEM_BENCH_RETENTION_SECONDS ?? Math.max(3, Math.round(seconds * 0.1)),
  );
  const warmup = Number(process.env.MEM_BENCH_WARMUP_SECONDS ?? Math.round(seconds * 0.4));
  const { child, url } = await startChild({
    storeDir,
    fsync: true,
    expiry: { defaultSeconds: expirySeconds, maxSeconds: expirySeconds },
    retention: { finishedSeconds: retentionSeconds },
    notification: {
      route: 'smpp',
      host: '127.0.0.1',
      port: smsc.port,
      systemId: 'mmsc',
      password: 'secret',
      window: 64,
    },
  });
  const client = new Mm1Client(url, 'X-MSISDN', { lean: true });
  const pushes = new Map<string, (loc: string, tid: string) => void>();
  if (flow === 'full') {
    smsc.on('push', (p: { to: string; pdu: MmsPdu }) => {
      const w = pushes.get(p.to);
      pushes.delete(p.to);
      w?.(
        String(getHeader(p.pdu, 'X-Mms-Content-Location')),
        String(getHeader(p.pdu, 'X-Mms-Transaction-Id')),
      );
    });
  }
  let accepted = 0;
  let refused = 0;
  let inflight = 0;
  let maxInflight = 0;
  const one = async (n: number): Promise<void> => {
    const to = `1666${String(n % 10_000_000).padStart(7, '0')}`;
    const pushed =
      flow === 'full'
        ? new Promise<[string, string]>((r) => pushes.set(to, (loc, tid) => r([loc, tid])))
        : undefined;
    const conf = await client.postPdu(sendReq(`m${n}`, `+${to}/TYPE=PLMN`), '15550001');
    if (!conf.pdu || getHeader(conf.pdu, 'X-Mms-Response-Status') !== 'Ok') {
      refused += 1;
      return;
    }
    accepted += 1;
    if (!pushed) return;
    const [loc, tid] = await pushed;
    const got = await client.get(loc, to);
    if (got.status !== 200) throw new Error(`retrieve ${got.status}`);
    const nr = await client.postPdu(
      buildPdu('m-notifyresp-ind', {
        'X-Mms-Transaction-Id': tid,
        'X-Mms-MMS-Version': '1.3',
        'X-Mms-Status': 'Retrieved',
      }),
      to,
    );
    if (nr.status !== 204) throw new Error(`notifyresp ${nr.status}`);
  };

  type Sample = { t: number; accepted: number; messages: number; journal: string } & Mem;
  const samples: Sample[] = [];
  const t0 = performance.now();
  /** Time the generator stood still for a quiescent measurement (taken out of the schedule). */
  let pausedMs = 0;
  const total = Math.round(rate * seconds);
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const m = await child.mem(false);
      const t = (performance.now() - t0) / 1000;
      // the journal's segment files (a compaction shows as a new .compact)
      const journal = (await readdir(path.join(storeDir, 'journal')).catch(() => []))
        .filter((n) => /\.(log|compact)$/.test(n))
        .sort()
        .join(' ');
      samples.push({ t, accepted, messages: m.messages, journal, ...m.mem });
      if (samples.length % 60 === 0)
        console.log(
          `memory ${flow}: t=${t.toFixed(0)} s accepted ${accepted} in flight ${inflight} RSS ${mb(m.mem.rss)} MB heapUsed ${mb(m.mem.heapUsed)} MB stored ${m.messages} jobs ${m.jobs}`,
        );
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  type Quiet = {
    t: number;
    accepted: number;
    messages: number;
    jobs: number;
    waitedS: number;
    spaces: Record<string, number>;
    resident: Record<string, number>;
    fds: number;
  } & Mem;
  const quiet: Quiet[] = [];
  let errors = 0;
  let skipped = 0;
  const maxInflightAllowed = Number(process.env.MEM_BENCH_MAX_INFLIGHT ?? 5000);
  let firstError = '';
  let markedWarm = false;
  /** MEM_BENCH_SNAPSHOTS=DIR: heap snapshots at the end of warm-up and at the end (diff with bench/support/heap-diff.ts). */
  const snapshots = process.env.MEM_BENCH_SNAPSHOTS;
  /**
   * A comparable point: no request in flight and the outbox drained (at most 120 s), then two
   * full GCs. Heap figures (and snapshots) taken so differ only by what the MMSC retains, not by
   * the backlog of the moment.
   */
  const quiesce = async (name: string): Promise<void> => {
    const from = performance.now();
    while (inflight > 0) await new Promise((r) => setTimeout(r, 50));
    let m = await child.mem(false);
    while (m.jobs > 0 && performance.now() - from < 120_000) {
      await new Promise((r) => setTimeout(r, 200));
      m = await child.mem(false);
    }
    m = await child.mem(true);
    if (snapshots) await child.ask({ cmd: 'snapshot', file: path.join(snapshots, `${name}.heapsnapshot`) });
    const waitedS = (performance.now() - from) / 1000;
    quiet.push({
      t: (performance.now() - t0) / 1000,
      accepted,
      messages: m.messages,
      jobs: m.jobs,
      waitedS,
      spaces: m.spaces,
      resident: await residentByKind(child.proc.pid!),
      fds: (await readdir(`/proc/${child.proc.pid}/fd`)).length,
      ...m.mem,
    });
  };
  for (let i = 0; i < total; i++) {
    const due = t0 + pausedMs + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (!markedWarm && performance.now() - t0 - pausedMs >= warmup * 1000) {
      markedWarm = true;
      const p0 = performance.now();
      await quiesce('warm');
      pausedMs += performance.now() - p0;
    }
    if (inflight >= maxInflightAllowed) {
      skipped += 1; // the MMSC is behind: an open loop would only pile requests up in the generator
      continue;
    }
    inflight += 1;
    if (inflight > maxInflight) maxInflight = inflight;
    void one(i)
      .catch((e: Error) => {
        errors += 1;
        firstError ||= e.message;
      })
      .finally(() => {
        inflight -= 1;
      });
  }
  while (inflight > 0) await new Promise((r) => setTimeout(r, 50));
  const elapsed = (performance.now() - t0 - pausedMs) / 1000;
  await quiesce('end');
  sampling = false;
  await sampler;
  client.close();
  child.proc.send({ cmd: 'stop' });
  await new Promise((r) => child.proc.once('exit', r));
  await smsc.stop();
  await rm(storeDir, { recursive: true, force: true });
  // MEM_BENCH_SAMPLES=FILE: every sample as CSV (to plot the sawtooth against the journal's compactions)
  if (process.env.MEM_BENCH_SAMPLES) {
    const head = 't,accepted,messages,rss,heapUsed,heapTotal,external,arrayBuffers,journal';
    const rows = samples.map((s) =>
      [
        s.t.toFixed(1),
        s.accepted,
        s.messages,
        s.rss,
        s.heapUsed,
        s.heapTotal,
        s.external,
        s.arrayBuffers,
        s.journal,
      ].join(','),
    );
    await writeFile(process.env.MEM_BENCH_SAMPLES, `${head}\n${rows.join('\n')}\n`);
  }

  // samples after warm-up, the quiescent pause left out (its own samples would weigh a drained state)
  const warmT = quiet[0]?.t ?? warmup;
  const warm = samples.filter((s) => s.t > warmT);
  const slopeOf = (f: (s: Sample) => number) => slope(warm.map((s) => ({ x: s.accepted, y: f(s) }))) / 1024;
  const rssSlope = slopeOf((s) => s.rss) * 1024;
  // The RSS saws up and down by ~100 MB as V8 lets old space fill before a major GC, so where the
  // collections fall in the window moves the least-squares slope (0.082 and 0.194 KB on two quiet runs of
  // 2026-12-07). The floor of each 30 s window (the lowest sample, just after a collection) follows
  // what is retained: its slope is given beside it, and the quiescent points below measure it exactly.
  const floors: Array<{ x: number; y: number }> = [];
  for (let i = 0; i < warm.length; ) {
    const end = warm[i].t + 30;
    let low = warm[i];
    for (; i < warm.length && warm[i].t < end; i++) if (warm[i].rss < low.rss) low = warm[i];
    floors.push({ x: low.accepted, y: low.rss });
  }
  const floorSlope = floors.length >= 3 ? slope(floors) : Number.NaN;
  const kb = (v: number) => v.toFixed(3);
  const first = samples[0];
  const peak = samples.reduce((a, s) => Math.max(a, s.rss), 0);
  const [g0, g1] = quiet;
  console.log(
    `memory ${flow}: offered ${rate}/s for ${seconds} s, achieved ${(accepted / elapsed).toFixed(0)}/s accepted (${accepted} accepted, ${refused} refused, ${errors} errors${firstError ? ` e.g. ${firstError}` : ''}; at most ${maxInflight} in flight, ${skipped} not sent because ${maxInflightAllowed} were in flight); expiry ${expirySeconds} s, retention ${retentionSeconds} s`,
  );
  console.log(
    `memory ${flow}: RSS ${mb(first.rss)} MB at start, ${mb(warm[0]?.rss ?? Number.NaN)} MB after the ${warmup} s warm-up, ${mb(samples.at(-1)!.rss)} MB at the end, peak ${mb(peak)} MB; stored messages at the end of warm-up ${warm[0]?.messages}, at the end ${samples.at(-1)!.messages}`,
  );
  console.log(
    `memory ${flow}: RSS slope after warm-up ${kb(rssSlope / 1024)} KB per accepted message (goal < 0.1), over ${warm.length} samples; slope of the 30 s floors ${kb(floorSlope / 1024)} KB per message (${floors.length} floors); of it heapTotal ${kb(slopeOf((s) => s.heapTotal))} (heapUsed ${kb(slopeOf((s) => s.heapUsed))}), external ${kb(slopeOf((s) => s.external))} (arrayBuffers ${kb(slopeOf((s) => s.arrayBuffers))}), the rest (malloc, code, stacks) ${kb(slopeOf((s) => s.rss - s.heapTotal - s.external))} KB per message`,
  );
  if (g0 && g1) {
    const per = (a: number, b: number) => ((b - a) / Math.max(1, g1.accepted - g0.accepted)).toFixed(1);
    const at = (q: Quiet) =>
      `${q.messages} stored, ${q.jobs} jobs left after ${q.waitedS.toFixed(1)} s: heapUsed ${mb(q.heapUsed)} MB, heapTotal ${mb(q.heapTotal)} MB (${Object.entries(
        q.spaces,
      )
        .filter(([, v]) => v >= MB)
        .map(([k, v]) => `${k} ${mb(v)}`)
        .join(', ')}), external ${mb(q.external)} MB, RSS ${mb(q.rss)} MB (${Object.entries(q.resident)
        .filter(([, v]) => v >= MB)
        .map(([k, v]) => `${k} ${mb(v)}`)
        .join(', ')}), ${q.fds} open files`;
    console.log(`memory ${flow}: quiescent after full GC at end of warm-up: ${at(g0)}`);
    console.log(`memory ${flow}: quiescent after full GC at the end: ${at(g1)}`);
    console.log(
      `memory ${flow}: between them, per message accepted meanwhile (${g1.accepted - g0.accepted}): heapUsed ${per(g0.heapUsed, g1.heapUsed)} B, external ${per(g0.external, g1.external)} B, RSS ${per(g0.rss, g1.rss)} B`,
    );
  }
  console.log(`memory ${flow}: ${load()}`);
  const retained =
    g0 && g1
      ? `; between the quiescent points heapUsed ${((g1.heapUsed - g0.heapUsed) / Math.max(1, g1.accepted - g0.accepted)).toFixed(1)} B and RSS ${((g1.rss - g0.rss) / Math.max(1, g1.accepted - g0.accepted)).toFixed(0)} B per message (${g0.messages} -> ${g1.messages} stored)`
      : '';
  results.push(
    `RSS slope after warm-up ${(rssSlope / 1024).toFixed(3)} KB per accepted message (goal < 0.1; least squares over ${warm.length} samples of ${seconds - warmup} s; of the 30 s floors ${(floorSlope / 1024).toFixed(3)}; ${(accepted / elapsed).toFixed(0)} msg/s achieved of ${rate} offered, at most ${maxInflight} in flight, ${load()} at the end)${retained}`,
  );
}

/** A message as the MMSC stores it: one local recipient, notified, not yet retrieved. */
function storedMessage(id: string, n: number, size: number): StoredMessage {
  const now = Date.now();
  return {
    id,
    sender: '+15550001/TYPE=PLMN',
    origin: 'mm1',
    transactionId: `r${n}`,
    mmsVersion: '1.3',
    receivedAt: now,
    expiresAt: now + 7 * 86_400_000,
    size,
    contentType: 'application/vnd.wap.multipart.mixed',
    deliveryReport: false,
    readReport: false,
    recipients: [
      {
        address: `+1777${String(n).padStart(7, '0')}/TYPE=PLMN`,
        field: 'To',
        route: 'local',
        msisdn: `1777${String(n).padStart(7, '0')}`,
        token: newToken(),
        notifyTransactionId: newTransactionId('N'),
        status: 'notified',
        updatedAt: now,
      },
    ],
    conf: { responseStatus: 'Ok' },
    state: 'active',
  };
}

export async function buildStore(
  root: string,
  bytes: number,
  msgBytes: number,
): Promise<{ messages: number; sample: StoredMessage }> {
  const backend = await openStoreBackend(root, { fsync: false });
  const store = await MessageStore.open(backend, { cacheMessages: 0, cachePduBytes: 0 });
  const pdu = encodeMms(sendReq('x', '+17770000000/TYPE=PLMN', {}, 'x'.repeat(Math.max(1, msgBytes - 200))), {
    validate: false,
  });
  let written = 0;
  let n = 0;
  let sample: StoredMessage | undefined;
  while (written < bytes) {
    const batch: Promise<void>[] = [];
    for (let i = 0; i < 256 && written < bytes; i++, n++) {
      const m = storedMessage(newMessageId(), n, pdu.length);
      if (n === 0) sample = m;
      batch.push(store.create(m, pdu));
      written += pdu.length + JSON.stringify(m).length;
    }
    await Promise.all(batch);
  }
  await backend.close();
  return { messages: n, sample: sample! };
}

/** `mmscert serve` on `storeDir`: ms until it listens, RSS then (after 2 s) and its peak. */
async function serve(storeDir: string, work: string, retrieve?: StoredMessage) {
  const config = path.join(work, 'serve.json');
  await writeFile(config, JSON.stringify({ storeDir, fsync: false }));
  const t0 = performance.now();
  const proc = spawn(process.execPath, [path.join(repoRoot, 'bin/mmscert.js'), 'serve', '--config', config], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { url, openMs } = await new Promise<{ url: string; messages: number; openMs: number }>(
    (resolve, reject) => {
      let out = '';
      proc.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /^MM1 (\S+)$/m.exec(out);
        const opened = /^index (\d+) messages, store opened in (\d+) ms$/m.exec(out);
        if (m && opened) resolve({ url: m[1], messages: Number(opened[1]), openMs: Number(opened[2]) });
      });
      proc.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
    },
  );
  const readyMs = performance.now() - t0;
  const kb = async (k: string) => {
    const status = await readFile(`/proc/${proc.pid}/status`, 'utf8');
    return Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  };
  await new Promise((r) => setTimeout(r, 2000));
  const rss2 = await kb('VmRSS');
  // V8 gives back the young generation and heap headroom of the rebuild once allocation calms down
  await new Promise((r) => setTimeout(r, 13_000));
  const rss15 = await kb('VmRSS');
  const hwm = await kb('VmHWM');
  let retrieved = '';
  if (retrieve) {
    const client = new Mm1Client(url);
    const r = retrieve.recipients[0];
    const got = await client.get(`${url}/${r.token}`, r.msisdn);
    retrieved = `retrieval of a stored message after the restart: HTTP ${got.status}, ${got.body.length} bytes`;
    client.close();
  }
  proc.kill('SIGTERM');
  await new Promise((r) => proc.once('exit', r));
  return { readyMs, openMs, rss2, rss: rss15, hwm, retrieved };
}

async function restart(storeMb: number, msgBytes: number): Promise<void> {
  const work = await mkdtemp(
    path.join(process.env.MMSC_BENCH_STORE_ROOT || os.tmpdir(), 'mmscert-mem-restart-'),
  );
  try {
    const empty = path.join(work, 'empty');
    const full = path.join(work, 'full');
    const base = await serve(empty, work);
    const t0 = performance.now();
    const built = await buildStore(full, storeMb * MB, msgBytes);
    const buildS = (performance.now() - t0) / 1000;
    const after = await serve(full, work, built.sample);
    console.log(
      `memory restart: store of ${storeMb} MB (${built.messages} messages of ${msgBytes} bytes, one notified recipient each) written in ${buildS.toFixed(1)} s`,
    );
    console.log(
      `memory restart: serve on it opened the store (journal replay + index rebuild) in ${(after.openMs / 1000).toFixed(2)} s (empty store ${(base.openMs / 1000).toFixed(2)} s) and listened after ${(after.readyMs / 1000).toFixed(2)} s from spawn (empty store ${(base.readyMs / 1000).toFixed(2)} s); RSS ${mb(after.rss2)} MB 2 s later, ${mb(after.rss)} MB 15 s later (goal < 150; empty store ${mb(base.rss)} MB), peak RSS ${mb(after.hwm)} MB`,
    );
    console.log(
      `memory restart: ${((after.rss - base.rss) / built.messages).toFixed(0)} bytes of RSS per stored message; ${after.retrieved}`,
    );
    results.push(
      `RSS after a restart on a ${storeMb} MB store (${built.messages} messages) ${mb(after.rss)} MB (goal < 150 for 1024 MB; empty store ${mb(base.rss)} MB, peak ${mb(after.hwm)} MB, ${load()})`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const part = process.env.MEM_BENCH_PART ?? 'load,restart';
  console.log(`memory: ${quick ? 'quick check' : 'figures'}, ${load()} at the start`);
  if (part.includes('load'))
    await sustained(
      Number(process.env.MEM_BENCH_SECONDS ?? (quick ? 60 : 600)),
      Number(process.env.MEM_BENCH_RATE ?? 500),
      process.env.MEM_BENCH_FLOW === 'full' ? 'full' : 'submit',
    );
  if (part.includes('restart'))
    await restart(
      Number(process.env.MEM_BENCH_STORE_MB ?? (quick ? 256 : 1024)),
      Number(process.env.MEM_BENCH_MSG_BYTES ?? 16_384),
    );
  for (const r of results) console.log(`memory result: ${r}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
