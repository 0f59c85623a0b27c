import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildPcapng } from '../src/wire/build-pcapng.ts';
import { tapHttpAgent, tapServer } from '../src/wire/tap.ts';
import { type Endpoint4, Timeline } from '../src/wire/timeline.ts';

/**
 * Wire: the PCAPNG builder's sustained rate (MB of recorded payload framed per second, large
 * chunks and SMPP-sized small ones) and the tap's cost on an HTTP round trip over 127.0.0.1
 * (sequential keep-alive POSTs, both ends tapped vs untapped). Bounded loops.
 */

function syntheticTimeline(
  conns: number,
  chunks: number,
  chunkSize: number,
): { tl: Timeline; payload: number } {
  const tl = new Timeline();
  const data = new Uint8Array(chunkSize).fill(0x41);
  let payload = 0;
  for (let i = 0; i < conns; i++) {
    const conn = `b${i}`;
    const client: Endpoint4 = { node: `ue.${i % 7}`, role: 'ue', port: 30000 + i };
    const server: Endpoint4 = { node: 'mmsc', role: 'mmsc', port: 8002 };
    const base = {
      conn,
      transport: 'tcp',
      client,
      server,
      node: 'mmsc',
      role: 'mmsc',
      iface: 'MM1',
    } as const;
    tl.setContext({ case: `bench.${i}`, step: 'step 1: load' });
    tl.publish({ ...base, kind: 'conn', event: 'open', direction: 'in' });
    for (let c = 0; c < chunks; c++) {
      tl.publish({
        kind: 'bytes',
        conn,
        raw: data,
        node: 'mmsc',
        role: 'mmsc',
        iface: 'MM1',
        direction: c % 2 ? 'out' : 'in',
      });
      payload += chunkSize;
    }
    tl.publish({ ...base, kind: 'conn', event: 'end', direction: 'in' });
    tl.publish({ ...base, kind: 'conn', event: 'close', direction: 'local' });
  }
  return { tl, payload };
}

function writerRate(label: string, conns: number, chunks: number, chunkSize: number): void {
  const { tl, payload } = syntheticTimeline(conns, chunks, chunkSize);
  buildPcapng(tl.all().slice(0, 50)); // warm up
  const rounds = 3;
  let best = Number.POSITIVE_INFINITY;
  let size = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    size = buildPcapng(tl.all(), { originEpochMs: tl.originEpochMs }).length;
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const mb = payload / 1e6;
  console.log(
    `pcapng writer, ${label}: ${mb.toFixed(1)} MB payload in ${(best * 1000).toFixed(0)} ms = ${(mb / best).toFixed(0)} MB/s` +
      ` (${(size / 1e6).toFixed(1)} MB file, best of ${rounds})`,
  );
}

async function roundTrips(tapped: boolean, n: number, bodySize: number): Promise<number> {
  const tl = new Timeline();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  if (tapped) tapServer(server, { timeline: tl, node: 'mmsc', role: 'mmsc', iface: 'MM1' });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  if (tapped) tapHttpAgent(agent, { timeline: tl, node: 'ue.bench', role: 'ue', iface: 'MM1' });
  const body = new Uint8Array(bodySize).fill(0x42);
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/',
          agent,
          headers: { 'content-length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  for (let i = 0; i < Math.min(100, n); i++) await post(); // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await post();
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / n;
  agent.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  return us;
}

async function tapOverhead(n: number, bodySize: number): Promise<void> {
  // interleave to share any machine noise fairly
  const plain: number[] = [];
  const tapped: number[] = [];
  for (let r = 0; r < 3; r++) {
    plain.push(await roundTrips(false, n, bodySize));
    tapped.push(await roundTrips(true, n, bodySize));
  }
  const p = Math.min(...plain);
  const t = Math.min(...tapped);
  const kb = bodySize >= 1024 ? `${Math.round(bodySize / 1024)} KB` : `${bodySize} B`;
  console.log(
    `tap on HTTP POST (${kb} body, ${n} sequential keep-alive requests, best of 3): ` +
      `untapped ${p.toFixed(0)} µs/req (${Math.round(1e6 / p)} req/s), ` +
      `tapped both ends ${t.toFixed(0)} µs/req (${Math.round(1e6 / t)} req/s), overhead ${(t - p).toFixed(0)} µs (${(((t - p) / p) * 100).toFixed(0)}%)`,
  );
}

export async function run(): Promise<void> {
  writerRate('64 KB chunks (HTTP-like)', 20, 50, 64 * 1024);
  writerRate('120 B chunks (SMPP-like)', 200, 500, 120);
  await tapOverhead(2000, 1024);
  await tapOverhead(100, 300 * 1024);
}
