import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { decodeMms, encodeMms, getHeader } from '../src/codec/mms/index.ts';
import type { ReceivedPush } from '../test/support/fake-smsc.ts';
import { LeanSmsc } from '../test/support/lean-smsc.ts';
import { Mm1Client, sendReq } from '../test/support/mm1-client.ts';

/**
 * One large fan-out against an ordinary message (issue 19): the reference MMSC (its own process,
 * durable store with fsync, SMPP push to the bench's SMSC, window 10) takes one m-send-req to N
 * recipients; half a second later another subscriber sends an ordinary one-recipient message.
 * Reported per N: how long until the ordinary message is notified (its WAP push reaches the SMSC),
 * the fan-out's notifications per second, and the MMSC process's peak RSS (VmHWM).
 *
 * `npm run bench -- fanout`; FANOUT_SIZES=100,2000,20000 (default), FANOUT_MAX_SECONDS=60 (per
 * size: the drain is cut there and measured over what was done), FANOUT_OLD_CONFIG=1 leaves out
 * the config keys an MMSC without the limit does not know (to measure the code before it).
 */

const repoRoot = path.resolve(import.meta.dirname, '..');
const child = path.join(repoRoot, 'test/support/mmsc-child.ts');

function startChild(config: object): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, JSON.stringify(config)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ proc, url: m[1] });
    });
    proc.once('exit', (code) => reject(new Error(`MMSC exited ${code}`)));
  });
}

/** Peak resident set of a process, MB (Linux /proc VmHWM). */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

async function one(size: number, maxSeconds: number): Promise<string> {
  const smsc = new LeanSmsc();
  await smsc.start();
  const storeDir = await mkdtemp(path.join(os.tmpdir(), 'mmscert-fanout-'));
  const { proc, url } = await startChild({
    storeDir,
    maxMessageSize: 4 * 1024 * 1024,
    ...(process.env.FANOUT_OLD_CONFIG === '1' ? {} : { maxRecipients: size }),
    notification: { route: 'smpp', host: '127.0.0.1', port: smsc.port, systemId: 'mmsc', password: 'secret' },
  });
  const client = new Mm1Client(url, 'X-MSISDN', { lean: true });
  const ordinaryTo = '15559990001';
  let fanoutPushes = 0;
  let lastFanoutPush = 0;
  let ordinaryAt = 0;
  smsc.on('push', (p: ReceivedPush) => {
    if (p.to === ordinaryTo) ordinaryAt = performance.now();
    else {
      fanoutPushes += 1;
      lastFanoutPush = performance.now();
    }
  });
  try {
    const to = Array.from({ length: size }, (_, i) => `+1666${String(i).padStart(7, '0')}/TYPE=PLMN`);
    const t0 = performance.now();
    // fetch: no 10 s idle limit (taking 20,000 recipients may take longer on a loaded host)
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.wap.mms-message', 'X-MSISDN': '15550001' },
      body: Buffer.from(encodeMms(sendReq('fanout-1', to))),
    });
    const body = new Uint8Array(await res.arrayBuffer());
    const status =
      res.status === 200 ? getHeader(decodeMms(body), 'X-Mms-Response-Status') : `HTTP ${res.status}`;
    if (status !== 'Ok') throw new Error(`fan-out refused: ${String(status)}`);
    const accepted = performance.now();
    await new Promise((r) => setTimeout(r, 500));
    const sentAt = performance.now();
    const ord = await client.postPdu(sendReq('ordinary-1', `+${ordinaryTo}/TYPE=PLMN`), '15550002');
    if (!ord.pdu || getHeader(ord.pdu, 'X-Mms-Response-Status') !== 'Ok') throw new Error('ordinary refused');
    const end = t0 + maxSeconds * 1000;
    while (performance.now() < end && (fanoutPushes < size || ordinaryAt === 0))
      await new Promise((r) => setTimeout(r, 20));
    const rss = peakRssMb(proc.pid!);
    const drained = fanoutPushes >= size;
    const rate = fanoutPushes / (((drained ? lastFanoutPush : performance.now()) - accepted) / 1000);
    const ordinary =
      ordinaryAt > 0 ? `${((ordinaryAt - sentAt) / 1000).toFixed(2)} s` : `not within ${maxSeconds} s`;
    return (
      `fan-out ${size}: accepted in ${((accepted - t0) / 1000).toFixed(2)} s; ordinary MM1 send notified after ${ordinary}; ` +
      `${rate.toFixed(0)} notifications/s (${fanoutPushes}/${size}${drained ? '' : `, cut at ${maxSeconds} s`}); ` +
      `MMSC peak RSS ${rss.toFixed(0)} MB`
    );
  } finally {
    client.close();
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    await smsc.stop();
    await rm(storeDir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const sizes = (process.env.FANOUT_SIZES ?? '100,2000,20000').split(',').map(Number);
  const maxSeconds = Number(process.env.FANOUT_MAX_SECONDS ?? 60);
  for (const size of sizes) console.log(await one(size, maxSeconds));
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
