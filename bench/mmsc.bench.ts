import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildPdu, getHeader, getHeaders } from '../src/codec/mms/index.ts';
import { FakeSmsc, type ReceivedPush } from '../test/support/fake-smsc.ts';
import { LeanSmsc } from '../test/support/lean-smsc.ts';
import { Mm1Client, sendReq } from '../test/support/mm1-client.ts';

/**
 * MM1 end-to-end flows through the reference MMSC with its durable store:
 * m-send-req -> m-send-conf, m-notification-ind by SMPP WAP push, GET m-retrieve-conf,
 * m-notifyresp-ind -> 204. The MMSC runs in its own process (as `serve` would); the HTTP
 * client and the SMSC share this one. Closed loop (64 flows in flight) for throughput; open
 * loop at a fixed offered rate for latency percentiles.
 */

const repoRoot = path.resolve(import.meta.dirname, '..');
const child = process.env.MMSC_BENCH_CHILD ?? path.join(repoRoot, 'test/support/mmsc-child.ts');

function startChild(
  config: object,
): Promise<{ proc: ChildProcess; url: string; cpuMs: () => Promise<number> }> {
  const proc = spawn(
    process.execPath,
    [
      ...(process.env.MMSC_CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      '--import',
      'tsx',
      child,
      JSON.stringify(config),
    ],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
      // fs work (write, fsync, rename) runs on libuv's pool: 4 threads by default
      env: { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '32' },
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let ready = false;
    const cpuMs = () =>
      new Promise<number>((res) => {
        proc.once('exit', () => res(Number(/CPU (\d+)/.exec(out)?.[1] ?? Number.NaN) / 1000));
        proc.kill('SIGTERM');
      });
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /READY (\S+)/.exec(out);
      if (m && !ready) {
        ready = true;
        resolve({ proc, url: m[1], cpuMs });
      }
    });
    proc.once('exit', (code) => reject(new Error(`MMSC exited ${code}`)));
  });
}

class Flows {
  private seq = 0;
  private readonly waiting = new Map<string, (p: ReceivedPush) => void>();

  constructor(
    private readonly client: Mm1Client,
    smsc: FakeSmsc | LeanSmsc,
  ) {
    smsc.on('push', (p: ReceivedPush) => {
      const w = this.waiting.get(p.to);
      if (w) {
        this.waiting.delete(p.to);
        w(p);
      }
    });
  }

  /** One flow; resolves with its latency in ms. */
  async one(): Promise<number> {
    const n = this.seq++;
    const to = `1666${String(n).padStart(7, '0')}`;
    const t0 = performance.now();
    const pushed = new Promise<ReceivedPush>((resolve) => this.waiting.set(to, resolve));
    const conf = await this.client.postPdu(sendReq(`b${n}`, `+${to}/TYPE=PLMN`), '15550001');
    if (!conf.pdu || getHeader(conf.pdu, 'X-Mms-Response-Status') !== 'Ok') throw new Error('submit refused');
    const push = await pushed;
    const got = await this.client.get(String(getHeaders(push.pdu, 'X-Mms-Content-Location')[0]), to);
    if (got.status !== 200) throw new Error(`retrieve ${got.status}`);
    const tid = String(getHeader(push.pdu, 'X-Mms-Transaction-Id'));
    const nr = await this.client.postPdu(
      buildPdu('m-notifyresp-ind', {
        'X-Mms-Transaction-Id': tid,
        'X-Mms-MMS-Version': '1.3',
        'X-Mms-Status': 'Retrieved',
      }),
      to,
    );
    if (nr.status !== 204) throw new Error(`notifyresp ${nr.status}`);
    return performance.now() - t0;
  }
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function closedLoop(
  flows: Flows,
  concurrency: number,
  seconds: number,
): Promise<{ rate: number; n: number }> {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await flows.one();
        n += 1;
      }
    }),
  );
  return { rate: n / ((performance.now() - t0) / 1000), n };
}

async function openLoop(flows: Flows, rate: number, seconds: number) {
  const total = Math.round(rate * seconds);
  const lat: number[] = [];
  const t0 = performance.now();
  const all: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    all.push(flows.one().then((ms) => void lat.push(ms)));
  }
  await Promise.all(all);
  const elapsed = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return {
    offered: rate,
    achieved: total / elapsed,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    max: lat[lat.length - 1],
  };
}

export async function run(): Promise<void> {
  const seconds = Number(process.env.MMSC_BENCH_SECONDS ?? 4);
  const rate = Number(process.env.MMSC_BENCH_RATE ?? 1000);
  for (const fsync of [true, false]) {
    // the lean generator (LeanSmsc, LeanHttpClient); MMSC_BENCH_NODE_CLIENT=1: FakeSmsc and node's http client
    const nodeGenerator = process.env.MMSC_BENCH_NODE_CLIENT === '1';
    const smsc = nodeGenerator ? new FakeSmsc() : new LeanSmsc();
    await smsc.start();
    // MMSC_BENCH_STORE_ROOT=/dev/shm takes the disk out of the figures (CPU profiling)
    const storeRoot = process.env.MMSC_BENCH_STORE_ROOT || os.tmpdir();
    const storeDir = await mkdtemp(path.join(storeRoot, 'mmscert-bench-'));
    const { url, cpuMs } = await startChild({
      storeDir,
      fsync,
      notification: {
        route: 'smpp',
        host: '127.0.0.1',
        port: smsc.port,
        systemId: 'mmsc',
        password: 'secret',
        window: 64,
      },
    });
    const client = new Mm1Client(url, 'X-MSISDN', { lean: !nodeGenerator });
    const flows = new Flows(client, smsc);
    let done = 0;
    let genCpu = process.cpuUsage();
    try {
      for (let i = 0; i < 200; i++) await flows.one(); // warm-up
      genCpu = process.cpuUsage();
      const c = await closedLoop(flows, 64, seconds);
      done = c.n;
      console.log(
        `mmsc fsync=${fsync}: ${c.rate.toFixed(0)} MM1 flows/s closed loop (64 in flight, ${c.n} flows in ${seconds} s)`,
      );
      const o = await openLoop(flows, rate, Math.min(seconds, 3));
      done += Math.round(o.offered * Math.min(seconds, 3));
      console.log(
        `mmsc fsync=${fsync}: offered ${o.offered}/s achieved ${o.achieved.toFixed(0)}/s  p50 ${o.p50.toFixed(1)} ms  p99 ${o.p99.toFixed(1)} ms  max ${o.max.toFixed(1)} ms`,
      );
    } finally {
      const gen = process.cpuUsage(genCpu);
      client.close();
      const ms = await cpuMs();
      console.log(
        `mmsc fsync=${fsync}: MMSC process CPU (after start-up) ${(ms / (done + 200)).toFixed(3)} ms per flow over ${done + 200} flows = ${(1000 / (ms / (done + 200))).toFixed(0)} flows per CPU-second (load average now ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`,
      );
      console.log(
        `mmsc fsync=${fsync}: generator CPU (HTTP client + SMSC, this process, after warm-up) ${((gen.user + gen.system) / 1000 / done).toFixed(3)} ms per flow over ${done} flows`,
      );
      await smsc.stop();
      await rm(storeDir, { recursive: true, force: true });
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
