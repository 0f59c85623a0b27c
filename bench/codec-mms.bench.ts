import {
  buildPdu,
  decodeMms,
  encodeMms,
  MMS_MESSAGE_TYPES,
  type MmsPart,
  type MmsPdu,
} from '../src/codec/mms/index.ts';
import { randomPdu, rng } from '../test/support/random-pdu.ts';

/**
 * Operations per CPU-second (user + system), i.e. per core: the machine is shared, so wall-clock rates
 * would measure the neighbours. Seven samples of `ms / 7` of CPU time each; the median is returned, so
 * one disturbed sample (a neighbour evicting the caches, a GC) does not move the figure.
 *
 * process.cpuUsage() counts every thread of the process, V8's background compiler included. The warm-up
 * therefore runs for WARM_UP_MS of CPU time, not a count of calls: after 2,000 calls TurboFan had not yet
 * installed the decoder's optimised code (compiling it took 80-280 ms of the compiler thread on the shared
 * machine), so the first samples measured the interpreter plus the compiler's own CPU time, and whether
 * three or four of the seven fell in that phase made the median flip between two values per process.
 * The calls run in `batch`, an ordinary function, so the sampling loop itself needs no on-stack replacement
 * (whose recompiles, with the measured function inlined, were also charged to the samples).
 */
const WARM_UP_MS = 400;

/**
 * Every result is stored where V8 cannot prove it unused: a discarded result lets the optimiser inline
 * the decoder and never build the PDU objects (escape analysis), which measures a decoder nobody runs.
 */
export let sink: unknown;

function batch(fn: () => unknown, n: number): void {
  for (let i = 0; i < n; i++) sink = fn();
}

function cpuMicros(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return u.user + u.system;
}

function rate(fn: () => unknown, ms = 700): number {
  const warm = process.cpuUsage();
  let calls = 0;
  while (calls < 2000 || cpuMicros(warm) < WARM_UP_MS * 1000) {
    batch(fn, 100);
    calls += 100;
  }
  const samples: number[] = [];
  for (let s = 0; s < 7; s++) {
    let n = 0;
    const start = process.cpuUsage();
    let used = 0;
    while (used < (ms / 7) * 1000) {
      batch(fn, 100);
      n += 100;
      used = cpuMicros(start);
    }
    samples.push((n * 1e6) / used);
  }
  samples.sort((a, b) => a - b);
  return samples[3];
}

/**
 * The same CPU-time rate of a fixed integer loop (1,000 additions per call), printed beside the codec
 * figures: it moves with the machine (a busy host, a shared physical core), not with the code, so figures
 * from two runs compare only as far as their reference rates agree.
 */
function referenceRate(): number {
  const loop = (): number => {
    let s = 0;
    for (let i = 0; i < 1000; i++) s = (s + i) | 0;
    return s;
  };
  return rate(loop, 350) * 1000;
}

function notification(): MmsPdu {
  return buildPdu('m-notification-ind', {
    'X-Mms-Transaction-Id': 'T0123456789abcdef',
    'X-Mms-MMS-Version': '1.2',
    From: '+15550001234/TYPE=PLMN',
    Subject: 'Holiday photos',
    'X-Mms-Message-Class': 'Personal',
    'X-Mms-Message-Size': 302144,
    'X-Mms-Expiry': { relative: 604800 },
    'X-Mms-Content-Location': 'http://mmsc.example.net/mms/retrieve?id=0123456789abcdef0123',
  });
}

function retrieveConf(bodySize: number): MmsPdu {
  const image = new Uint8Array(bodySize);
  for (let i = 0; i < image.length; i++) image[i] = (i * 31) & 0xff;
  const parts: MmsPart[] = [
    {
      contentType: { mediaType: 'application/smil', params: [] },
      headers: [
        { name: 'Content-ID', value: '<smil>' },
        { name: 'Content-Location', value: 'smil.xml' },
      ],
      data: new TextEncoder().encode('<smil><body><par dur="5s"><img src="photo.jpg"/></par></body></smil>'),
    },
    {
      contentType: { mediaType: 'image/jpeg', params: [{ name: 'name', value: 'photo.jpg' }] },
      headers: [
        { name: 'Content-ID', value: '<photo>' },
        { name: 'Content-Location', value: 'photo.jpg' },
      ],
      data: image,
    },
  ];
  return buildPdu(
    'm-retrieve-conf',
    {
      'X-Mms-Transaction-Id': 'T0123456789abcdef',
      'Message-ID': 'M0123456789',
      Date: 1763780000,
      From: '+15550001234/TYPE=PLMN',
      To: '+15550005678/TYPE=PLMN',
      Subject: { charset: 'utf-8', text: 'Holiday photos ☀' },
      'Content-Type': {
        mediaType: 'application/vnd.wap.multipart.related',
        params: [
          { name: 'start', value: '<smil>' },
          { name: 'type', value: 'application/smil' },
        ],
      },
    },
    parts,
  );
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export async function run(): Promise<void> {
  const n = notification();
  const nb = encodeMms(n);
  console.log('rates are per CPU-second of one core (process.cpuUsage), not wall clock');
  console.log(
    `m-notification-ind (${nb.length} bytes): decode ${fmt(rate(() => decodeMms(nb)))}/s, encode ${fmt(rate(() => encodeMms(n)))}/s, encode without validation ${fmt(rate(() => encodeMms(n, { validate: false })))}/s`,
  );
  for (const size of [30_000, 300_000, 3_000_000]) {
    const p = retrieveConf(size);
    const b = encodeMms(p);
    const d = rate(() => decodeMms(b), 500);
    const e = rate(() => encodeMms(p), 500);
    console.log(
      `m-retrieve-conf (${fmt(b.length)} bytes): decode ${fmt(d)}/s (${(1e6 / d).toFixed(2)} µs, body not copied), encode ${fmt(e)}/s (${((e * b.length) / 1e9).toFixed(2)} GB/s)`,
    );
  }
  // a server decodes every kind of PDU, not one: the notification again once the decoder has seen all 24 types
  const r = rng(0xbe4c);
  const mix = MMS_MESSAGE_TYPES.flatMap((t) => Array.from({ length: 20 }, () => encodeMms(randomPdu(t, r))));
  for (let k = 0; k < 100; k++) for (const b of mix) decodeMms(b);
  console.log(
    `m-notification-ind decode after ${mix.length} PDUs of all ${MMS_MESSAGE_TYPES.length} types: ${fmt(rate(() => decodeMms(nb)))}/s`,
  );
  console.log(
    `reference integer loop: ${fmt(referenceRate() / 1e6)} M additions/s (machine speed: figures of two runs compare only as far as this agrees)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
