import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as smpp from 'smpp';
import { RemoteMmsc } from '../mocks/remote-mmsc/remote-mmsc.ts';
import { SmscPeer } from '../mocks/smsc/smsc-peer.ts';
import { mm7Post } from '../mocks/vasp/mm7-post.ts';
import { Vasp } from '../mocks/vasp/vasp.ts';
import { encodeMm7, mm7Address } from '../src/codec/mm7/index.ts';
import { getHeader } from '../src/codec/mms/index.ts';
import { targetFromConfigFile } from '../src/harness/targets/create-target.ts';
import { writeSelfCertificationFiles } from '../src/harness/targets/self-certification.ts';
import { runLoad } from '../src/load/run-load.ts';
import type { TraceSummary } from '../src/mmsc/flow-trace.ts';
import { Timeline } from '../src/wire/timeline.ts';
import { LeanSmsc } from '../test/support/lean-smsc.ts';
import { Mm1Client, sendReq } from '../test/support/mm1-client.ts';

/**
 * Capacity of our own parts (issue 21 item 4). `npm run bench -- capacity`; prints a table and
 * writes reports/capacity-<time>.json. Every loop is bounded in count and time.
 *
 * (a) Each peer's own ceiling, driven directly over loopback, tapped as in a load run
 *     (Timeline({ retain: false })): SMSC submit_sm -> submit_sm_resp (one SMPP session, window
 *     64), remote MMSC MM4_forward.REQ accepted (8 SMTP sessions, each mail after the last one's
 *     250), VASP DeliverReq -> DeliverRsp (16 keep-alive HTTP connections).
 * (b) The reference MMSC's knee: `mmscert serve` in its own process (as certify-self starts it,
 *     fixed ports 23200-23219), `mmscert load`'s open-loop generator (src/load/run-load.ts, mm1-mt
 *     flows: m-send-req -> WAP push at our SMSC -> GET m-retrieve-conf -> m-notifyresp-ind, latency
 *     from each flow's scheduled start) at rising rates, CAPACITY_STEP_SECONDS (5) each and at least
 *     CAPACITY_STEP_FLOWS (300) flows (a p99 of 50 flows is their largest but one); the knee
 *     is the highest rate whose flows all succeeded with p99 < 100 ms. The search stops at the
 *     first rate that misses, or after CAPACITY_MAX_SECONDS (120) of load.
 * (c) Memory per queued message: the reference MMSC in its own process (--expose-gc), CAPACITY_QUEUE
 *     (10,000) m-send-req accepted and notified, none retrieved (each stays queued for its
 *     recipient); heapUsed and RSS after full collections every fifth of the way; the
 *     least-squares slope against messages queued is the figure.
 *
 * CAPACITY_TRACE=1 starts the MMSC with MMSCERT_FLOW_TRACE (src/mmsc/flow-trace.ts) and prints, for
 * every rate step, where its flows' time went inside the MMSC (p50/p99 per segment of the path) and
 * the journal's syncs per flow.
 *
 * CAPACITY_PARTS=peers,knee,memory selects parts. The generator, our peers and handsets share the
 * machine with the MMSC (2 cores here): the figures say what this machine's load average was.
 */

const repoRoot = path.resolve(import.meta.dirname, '..');
const PORT_BASE = Number(process.env.CAPACITY_PORT_BASE ?? 23200);
const PEER_SECONDS = Number(process.env.CAPACITY_PEER_SECONDS ?? 3);
const STEP_SECONDS = Number(process.env.CAPACITY_STEP_SECONDS ?? 5);
const STEP_FLOWS = Number(process.env.CAPACITY_STEP_FLOWS ?? 300);
/** A step's length (s): STEP_SECONDS, longer where the rate would give fewer than STEP_FLOWS flows. */
const stepSeconds = (rate: number) => Math.max(STEP_SECONDS, Math.ceil(STEP_FLOWS / rate));
const MAX_LOAD_SECONDS = Number(process.env.CAPACITY_MAX_SECONDS ?? 120);
const QUEUE = Number(process.env.CAPACITY_QUEUE ?? 10_000);
/** Warm-up before the steps (20 flows/s, not counted): V8 optimises the rig's and the MMSC's code only once it is hot. */
const WARM_SECONDS = Number(process.env.CAPACITY_WARM_SECONDS ?? 15);
const RATES = (process.env.CAPACITY_RATES ?? '10,20,40,70,100,150,200,300,400,600,800,1000,1300,1700,2200')
  .split(',')
  .map(Number);
const KNEE_P99_MS = 100;
const TRACE = process.env.CAPACITY_TRACE === '1';
const parts = new Set((process.env.CAPACITY_PARTS ?? 'peers,knee,memory').split(','));

const loadavg = () => os.loadavg().map((l) => Number(l.toFixed(2)));
const MB = 1024 * 1024;

/** Runs `worker` `concurrency` times in parallel until `seconds` pass or `max` operations are done. */
async function saturate(
  concurrency: number,
  seconds: number,
  max: number,
  worker: () => Promise<void>,
): Promise<{ ops: number; perSec: number; perCpuSec: number; errors: number; firstError?: string }> {
  const end = performance.now() + seconds * 1000;
  let ops = 0;
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end && ops + errors < max) {
        try {
          await worker();
          ops++;
        } catch (e) {
          errors++;
          firstError ??= (e as Error).message;
          if (errors > 100) return;
        }
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // the peer and its driver share this process: ops per CPU-second of both, whatever the host's load
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  return { ops, perSec: ops / s, perCpuSec: ops / cpuSec, errors, ...(firstError ? { firstError } : {}) };
}

async function smscCeiling() {
  const smsc = new SmscPeer({}, {});
  await smsc.start({ timeline: new Timeline({ retain: false }), host: '127.0.0.1' });
  const session = smpp.connect({ url: `smpp://127.0.0.1:${smsc.port}` });
  session.on('error', () => undefined);
  await new Promise<void>((r) => session.once('connect', () => r()));
  await new Promise((r) =>
    session.send(new smpp.PDU('bind_transceiver', { system_id: 'mmsc', password: 'x' }), r),
  );
  const window = 64;
  const r = await saturate(window, PEER_SECONDS, 500_000, async () => {
    const resp = await new Promise<{ command_status: number }>((res) =>
      session.send(
        new smpp.PDU('submit_sm', {
          destination_addr: '15550001',
          // a WAP push as an MMSC sends it: UDH with 16-bit WDP ports 2948 <- 9200 (WAP-259 §6.5)
          esm_class: 0x40,
          data_coding: 4,
          short_message: Buffer.concat([
            Buffer.from([0x06, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0]),
            Buffer.alloc(110, 0x41),
          ]),
        }),
        res,
      ),
    );
    if (resp.command_status !== 0) throw new Error(`submit_sm_resp status ${resp.command_status}`);
  });
  session.destroy();
  await smsc.stop();
  return { peer: 'smsc', unit: 'submit_sm/s', how: `one SMPP session, window ${window}`, ...r };
}

const REMOTE = 'mms.mnc002.mcc310.gprs';
const forward = (i: number) =>
  Buffer.from(
    [
      'X-Mms-3GPP-MMS-Version: 6.10.0',
      'X-Mms-Message-Type: MM4_forward.REQ',
      `X-Mms-Transaction-ID: cap-${i}`,
      `X-Mms-Message-ID: cap-msg-${i}`,
      'Sender: system-user@mms.mnc001.mcc310.gprs',
      'From: +15550001/TYPE=PLMN@mms.mnc001.mcc310.gprs',
      `To: +15550002/TYPE=PLMN@${REMOTE}`,
      'Date: Sun, 22 Nov 2026 03:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain',
      '',
      'x'.repeat(2000),
      '.',
      '',
    ].join('\r\n'),
  );

/** One SMTP session: reads final reply lines in order. */
function smtpSession(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  socket.setEncoding('latin1');
  let buf = '';
  const queue: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  socket.on('error', () => undefined);
  socket.on('data', (d: string) => {
    buf += d;
    for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (!/^\d{3} /.test(line)) continue;
      const w = waiters.shift();
      if (w) w(line);
      else queue.push(line);
    }
  });
  const reply = () =>
    new Promise<string>((r) => {
      const l = queue.shift();
      if (l !== undefined) r(l);
      else waiters.push(r);
    });
  const expect = async (code: string) => {
    const l = await reply();
    if (!l.startsWith(code)) throw new Error(`expected ${code}, got ${l}`);
  };
  return { socket, expect };
}

async function remoteMmscCeiling() {
  const remote = new RemoteMmsc({ domain: REMOTE, starttls: false, autoReports: false });
  const [{ url }] = await remote.start({ timeline: new Timeline({ retain: false }), host: '127.0.0.1' });
  const port = Number(new URL(url).port);
  const sessions = 8;
  const open = await Promise.all(
    Array.from({ length: sessions }, async () => {
      const s = smtpSession(port);
      await s.expect('220');
      s.socket.write('EHLO bench.mnc001.mcc310.gprs\r\n');
      await s.expect('250');
      return s;
    }),
  );
  let next = 0;
  let i = 0;
  const r = await saturate(sessions, PEER_SECONDS, 200_000, async () => {
    const s = open[next++ % sessions];
    const n = i++;
    s.socket.write(
      `MAIL FROM:<system-user@mms.mnc001.mcc310.gprs>\r\nRCPT TO:<+15550002/TYPE=PLMN@${REMOTE}>\r\nDATA\r\n`,
    );
    await s.expect('250');
    await s.expect('250');
    await s.expect('354');
    s.socket.write(forward(n));
    await s.expect('250');
  });
  for (const s of open) s.socket.destroy();
  await remote.stop();
  return {
    peer: 'remote-mmsc',
    unit: 'mails/s',
    how: `${sessions} SMTP sessions, 2 KB MM4_forward.REQ`,
    ...r,
  };
}

async function vaspCeiling() {
  const vasp = new Vasp();
  const [{ url }] = await vasp.start({ timeline: new Timeline({ retain: false }), host: '127.0.0.1' });
  const conns = 16;
  const agent = new http.Agent({ keepAlive: true, maxSockets: conns });
  const req = encodeMm7({
    type: 'DeliverReq',
    transactionId: 'cap',
    version: 'REL-6-MM7-1-4',
    fields: { MM7Version: '6.8.0', Sender: mm7Address('+15550001'), Subject: 'capacity' },
    content: {
      headers: [],
      contentType: 'text/plain',
      params: {},
      contentId: 'c',
      body: new Uint8Array(1000).fill(0x41),
    },
  });
  const r = await saturate(conns, PEER_SECONDS, 500_000, async () => {
    const a = await mm7Post({ url, contentType: req.contentType, body: req.body, agent });
    if (a.status !== 200) throw new Error(`HTTP ${a.status}`);
  });
  agent.destroy();
  await vasp.stop();
  return {
    peer: 'vasp',
    unit: 'posts/s',
    how: `${conns} keep-alive connections, DeliverReq with 1 KB`,
    ...r,
  };
}

/** CPU ms and RSS of a process (Linux /proc). */
function procFigures(pid: number): { cpuMs: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuMs: ticks * 10, rssMb: rss ? Number(rss[1]) / 1024 : Number.NaN };
}

interface KneeStep {
  rate: number;
  achievedPerSec: number;
  ok: number;
  failed: number;
  overflowed: number;
  p50: number;
  p99: number;
  max: number;
  /** p50 / p99 of each step of the flow (ms). */
  steps: Record<string, { p50: number; p99: number }>;
  /** Where the time went inside the MMSC (CAPACITY_TRACE=1). */
  trace?: TraceSummary;
  /** CPU of the MMSC process and of this one (generator, peers, handsets) per flow started. */
  mmscCpuMsPerFlow: number;
  rigCpuMsPerFlow: number;
  /** Flows/s one core would carry at that CPU cost (1000 / CPU-ms per flow): load distorts it less than latency. */
  mmscFlowsPerCoreSecond: number;
  rigFlowsPerCoreSecond: number;
  /** Every flow ok and achieved >= 90% of offered: the rates past the knee still measured for their CPU figures. */
  carried: boolean;
  mmscRssMb: number;
  errors: Record<string, number>;
  generatorBusy: number;
  bottleneck: string[];
  pass: boolean;
  loadAverage: number[];
}

/**
 * Asks the MMSC for its flow trace summary (SIGUSR2: src/mmsc/flow-trace.ts writes it to `file` and
 * starts over) and waits for it.
 */
async function traceSummary(pid: number, file: string): Promise<TraceSummary | undefined> {
  const read = (): TraceSummary | undefined => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as TraceSummary;
    } catch {
      return undefined;
    }
  };
  const before = read()?.seq ?? 0;
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 20));
    const s = read();
    if (s && s.seq !== before) return s;
  }
  return undefined;
}

async function knee() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-capacity-'));
  const files = writeSelfCertificationFiles(dir, { portBase: PORT_BASE, storeDir: path.join(dir, 'store') });
  const traceFile = path.join(dir, 'flow-trace.json');
  const serve = spawn(process.execPath, ['bin/mmscert.js', 'serve', '--config', files.mmscConfig], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '32',
      ...(TRACE ? { MMSCERT_FLOW_TRACE: traceFile } : {}),
    },
  });
  const killServe = () => serve.kill('SIGTERM');
  process.once('exit', killServe);
  const steps: KneeStep[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error(`serve did not listen in 60 s: ${out}`)), 60_000);
      serve.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (/^store /m.test(out)) {
          clearTimeout(t);
          resolve();
        }
      });
      serve.stderr?.on('data', (d: Buffer) => {
        out += d.toString();
      });
      serve.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
    });
    const pid = serve.pid!;
    // warm-up, not counted: the first flows of a process compile its code (JIT)
    const warm = await runLoad({
      target: targetFromConfigFile(files.targetConfig).target,
      seed: 1,
      plan: { rate: 20, durationMs: WARM_SECONDS * 1000, rampMs: 0 },
      mix: [{ kind: 'mm1-mt', weight: 1 }],
      maxInFlight: 256,
      stepTimeoutMs: 5000,
      senders: 16,
    });
    console.log(
      `knee: warm-up 20/s for ${WARM_SECONDS} s: ok ${warm.totals.ok} failed ${warm.totals.failed}${warm.errors.samples.length ? `, e.g. ${JSON.stringify(warm.errors.samples[0])}` : ''}`,
    );
    let loadSeconds = 0;
    for (const rate of RATES) {
      if (loadSeconds + stepSeconds(rate) > MAX_LOAD_SECONDS) break;
      loadSeconds += stepSeconds(rate);
      if (TRACE) await traceSummary(pid, traceFile); // drops what came before this step
      const before = procFigures(pid);
      const r = await runLoad({
        target: targetFromConfigFile(files.targetConfig).target,
        seed: 1,
        plan: { rate, durationMs: stepSeconds(rate) * 1000, rampMs: 0 },
        mix: [{ kind: 'mm1-mt', weight: 1 }],
        maxInFlight: Math.min(9000, Math.max(256, rate * 2)),
        stepTimeoutMs: 5000,
        senders: 16,
      });
      const after = procFigures(pid);
      const trace = TRACE ? await traceSummary(pid, traceFile) : undefined;
      const lat = r.latency.flow;
      const failed = r.totals.failed + r.totals.overflowed + r.totals.abandoned;
      const step: KneeStep = {
        rate,
        achievedPerSec: r.totals.achievedPerSec,
        ok: r.totals.ok,
        failed: r.totals.failed,
        overflowed: r.totals.overflowed,
        p50: lat.p50,
        p99: lat.p99,
        max: lat.max,
        steps: Object.fromEntries(
          Object.entries(r.latency.steps).map(([k, v]) => [k, { p50: v.p50, p99: v.p99 }]),
        ),
        ...(trace ? { trace } : {}),
        mmscCpuMsPerFlow: (after.cpuMs - before.cpuMs) / Math.max(1, r.totals.started),
        rigCpuMsPerFlow: r.generator.cpuMs / Math.max(1, r.totals.started),
        mmscFlowsPerCoreSecond: 0,
        rigFlowsPerCoreSecond: 0,
        carried: failed === 0 && r.totals.achievedPerSec >= 0.9 * rate,
        mmscRssMb: after.rssMb,
        errors: r.errors.byKind,
        generatorBusy: r.generator.eventLoopUtilization,
        bottleneck: r.generator.bottleneck,
        pass: failed === 0 && lat.count > 0 && lat.p99 < KNEE_P99_MS,
        loadAverage: loadavg(),
      };
      step.mmscFlowsPerCoreSecond = 1000 / Math.max(1e-3, step.mmscCpuMsPerFlow);
      step.rigFlowsPerCoreSecond = 1000 / Math.max(1e-3, step.rigCpuMsPerFlow);
      steps.push(step);
      const byPart = (r.generator.cpuByComponent ?? [])
        .filter((c) => c.share >= 0.05)
        .map((c) => `${c.component} ${(c.ms / Math.max(1, r.totals.started)).toFixed(1)}`)
        .join(', ');
      if (byPart) console.log(`knee: ${rate}/s rig CPU-ms/flow by part: ${byPart}`);
      if (r.errors.samples.length > 0)
        console.log(
          `knee: ${rate}/s errors ${JSON.stringify(r.errors.byKind)}, e.g. ${JSON.stringify(r.errors.samples.slice(0, 2))}`,
        );
      console.log(
        `knee: ${rate}/s offered -> ${step.achievedPerSec.toFixed(0)}/s ok ${step.ok} failed ${failed}; p50 ${step.p50.toFixed(1)} p99 ${step.p99.toFixed(1)} max ${step.max.toFixed(0)} ms; CPU-ms/flow MMSC ${step.mmscCpuMsPerFlow.toFixed(2)} (${step.mmscFlowsPerCoreSecond.toFixed(0)} flows/core-s) rig ${step.rigCpuMsPerFlow.toFixed(2)} (${step.rigFlowsPerCoreSecond.toFixed(0)} flows/core-s), MMSC RSS ${step.mmscRssMb.toFixed(0)} MB; generator loop ${(step.generatorBusy * 100).toFixed(0)}% busy${step.bottleneck.length ? ` (${step.bottleneck.join('; ')})` : ''}; load ${step.loadAverage.join(' ')} -> ${step.pass ? 'pass' : 'MISS'}`,
      );
      console.log(
        `knee: ${rate}/s steps p50/p99 ms: ${Object.entries(step.steps)
          .map(([k, v]) => `${k} ${v.p50.toFixed(1)}/${v.p99.toFixed(1)}`)
          .join(', ')}`,
      );
      if (trace)
        console.log(
          `knee: ${rate}/s in the MMSC (${trace.flows} flows; syncs ${trace.syncs.count}, ${trace.syncs.perFlow}/flow, p50/p99 ${trace.syncs.p50}/${trace.syncs.p99} ms; commits ${trace.commits.recordsPerFlow}/flow): ${trace.segments
            .map((s) => `${s.from}>${s.to} ${s.p50}/${s.p99}`)
            .join(', ')}`,
        );
      // past the knee (p99 over the limit), the rates the rig still carries are measured for their
      // CPU figures; the knee stays the highest passing rate below the first miss
      if (!step.carried) break;
    }
  } finally {
    process.off('exit', killServe);
    if (serve.exitCode === null) {
      serve.kill('SIGTERM');
      await new Promise((r) => serve.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
  const firstMiss = steps.findIndex((s) => !s.pass);
  const passed = (firstMiss < 0 ? steps : steps.slice(0, firstMiss)).filter((s) => s.pass);
  return { p99LimitMs: KNEE_P99_MS, kneePerSec: passed.length ? passed[passed.length - 1].rate : 0, steps };
}

interface Mem {
  rss: number;
  heapUsed: number;
}

async function memoryPerQueued() {
  const smsc = new LeanSmsc();
  await smsc.start();
  const storeDir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-capacity-mem-'));
  const proc: ChildProcess = fork(
    path.join(repoRoot, 'bench/support/mmsc-memory-child.ts'),
    [
      JSON.stringify({
        storeDir,
        notification: {
          route: 'smpp',
          host: '127.0.0.1',
          port: smsc.port,
          systemId: 'mmsc',
          password: 'secret',
          window: 64,
        },
      }),
    ],
    {
      cwd: repoRoot,
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const killChild = () => proc.kill('SIGTERM');
  process.once('exit', killChild);
  const waiting: ((m: unknown) => void)[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    proc.once('message', (m: { ready?: string }) =>
      m.ready ? resolve(m.ready) : reject(new Error('no ready')),
    );
    proc.once('exit', (code) => reject(new Error(`MMSC exited ${code}`)));
  });
  proc.on('message', (m) => waiting.shift()?.(m));
  const mem = () =>
    new Promise<{ mem: Mem; messages: number }>((r) => {
      waiting.push(r as (m: unknown) => void);
      proc.send({ cmd: 'mem', gc: true });
    });
  const client = new Mm1Client(url, 'X-MSISDN', { lean: true });
  const samples: { queued: number; rssMb: number; heapMb: number; stored: number }[] = [];
  let queued = 0;
  let refused = 0;
  const sample = async () => {
    const m = await mem();
    samples.push({ queued, rssMb: m.mem.rss / MB, heapMb: m.mem.heapUsed / MB, stored: m.messages });
  };
  const t0 = performance.now();
  try {
    await sample();
    const batch = Math.ceil(QUEUE / 5);
    let n = 0;
    for (let b = 0; b < 5; b++) {
      const upto = Math.min(QUEUE, n + batch);
      const next = () => (n < upto ? n++ : -1);
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          for (let i = next(); i >= 0; i = next()) {
            const to = `1777${String(i).padStart(7, '0')}`;
            const conf = await client.postPdu(sendReq(`q${i}`, `+${to}/TYPE=PLMN`), '15550001');
            if (conf.pdu && getHeader(conf.pdu, 'X-Mms-Response-Status') === 'Ok') queued++;
            else refused++;
          }
        }),
      );
      // let the notifications go out (queued = stored and notified, awaiting retrieval)
      await new Promise((r) => setTimeout(r, 1000));
      await sample();
      if (performance.now() - t0 > 180_000) break;
    }
  } finally {
    process.off('exit', killChild);
    proc.send({ cmd: 'stop' });
    await new Promise((r) => proc.once('exit', r));
    await smsc.stop();
    rmSync(storeDir, { recursive: true, force: true });
  }
  const slope = (y: (s: (typeof samples)[number]) => number) => {
    const pts = samples.map((s) => ({ x: s.queued, y: y(s) }));
    const mx = pts.reduce((a, p) => a + p.x, 0) / pts.length;
    const my = pts.reduce((a, p) => a + p.y, 0) / pts.length;
    let num = 0;
    let den = 0;
    for (const p of pts) {
      num += (p.x - mx) * (p.y - my);
      den += (p.x - mx) ** 2;
    }
    return ((num / den) * MB) / 1024; // KB per message
  };
  return {
    queued,
    refused,
    seconds: (performance.now() - t0) / 1000,
    heapKbPerMessage: slope((s) => s.heapMb),
    rssKbPerMessage: slope((s) => s.rssMb),
    samples,
  };
}

export async function run(): Promise<void> {
  const result: Record<string, unknown> = {
    startedAt: new Date().toISOString(),
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version },
    loadAverageStart: loadavg(),
  };
  const rows: string[][] = [];
  if (parts.has('peers')) {
    const peers = [];
    for (const f of [smscCeiling, remoteMmscCeiling, vaspCeiling]) {
      const r = await f();
      peers.push({ ...r, loadAverage: loadavg() });
      rows.push([
        `${r.peer} ceiling`,
        `${Math.round(r.perSec).toLocaleString('en-US')} ${r.unit}`,
        `${Math.round(r.perCpuSec).toLocaleString('en-US')} per CPU-second (peer and driver in one process); ${r.how}; ${r.ops} in ${PEER_SECONDS} s${r.errors ? `, ${r.errors} errors (${r.firstError})` : ''}`,
      ]);
    }
    result.peers = peers;
  }
  if (parts.has('knee')) {
    const k = await knee();
    result.knee = k;
    const at1000 = k.steps.find((s) => s.rate === 1000);
    const miss = k.steps.find((s) => !s.pass);
    rows.push([
      'reference MMSC knee',
      `${k.kneePerSec.toLocaleString('en-US')} flows/s`,
      `highest offered rate with every mm1-mt flow ok and p99 < ${KNEE_P99_MS} ms (steps of ${STEP_SECONDS} s and at least ${STEP_FLOWS} flows; ${miss ? `first miss ${miss.rate}/s: p99 ${miss.p99.toFixed(0)} ms, ${miss.failed + miss.overflowed} failed` : 'no miss'})`,
    ]);
    // CPU figures (load distorts them less than latency): the last rate the rig carried
    const carried = k.steps.filter((s) => s.carried);
    const top = carried[carried.length - 1];
    if (top)
      rows.push([
        'CPU per mm1-mt flow',
        `MMSC ${top.mmscCpuMsPerFlow.toFixed(2)} ms, rig ${top.rigCpuMsPerFlow.toFixed(2)} ms`,
        `at ${top.rate}/s, the highest rate carried (every flow ok): ${top.mmscFlowsPerCoreSecond.toFixed(0)} flows/s per core of MMSC CPU, ${top.rigFlowsPerCoreSecond.toFixed(0)} per core of rig CPU; load ${top.loadAverage.join(' ')}`,
      ]);
    if (at1000)
      rows.push([
        'at 1,000 flows/s',
        `p99 ${at1000.p99.toFixed(1)} ms`,
        `p50 ${at1000.p50.toFixed(1)} ms, ${at1000.achievedPerSec.toFixed(0)} flows/s ok, MMSC RSS ${at1000.mmscRssMb.toFixed(0)} MB, ${at1000.mmscCpuMsPerFlow.toFixed(2)} MMSC CPU-ms/flow`,
      ]);
  }
  if (parts.has('memory')) {
    const m = await memoryPerQueued();
    result.memory = m;
    rows.push([
      'memory per queued message',
      `${m.heapKbPerMessage.toFixed(2)} KB heap, ${m.rssKbPerMessage.toFixed(2)} KB RSS`,
      `${m.queued} queued (notified, not retrieved) in ${m.seconds.toFixed(0)} s; RSS ${m.samples[0].rssMb.toFixed(0)} -> ${m.samples[m.samples.length - 1].rssMb.toFixed(0)} MB after GC`,
    ]);
  }
  result.loadAverageEnd = loadavg();
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log('');
  for (const r of rows) console.log(`${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`);
  console.log(
    `load average ${(result.loadAverageStart as number[]).join(' ')} at the start, ${(result.loadAverageEnd as number[]).join(' ')} at the end, on ${os.cpus().length} cores`,
  );
  const outDir = path.join(repoRoot, 'reports');
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `capacity-${(result.startedAt as string).replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`capacity: ${path.relative(repoRoot, file)}`);
}
