import http from 'node:http';
import { decodeMm7, encodeMm7, type Mm7Message, mm7Address } from '../src/codec/mm7/index.ts';
import { startReferenceMmsc } from '../src/mmsc/index.ts';
import { createModule } from '../src/mmsc/mm7/index.ts';

/**
 * MM7 SubmitReq -> SubmitRsp through the reference MMSC's MM7 module, in process: SOAP decode,
 * HTTP Basic check, MMS conversion, durable accept (message directory + outbox jobs, fsync on),
 * SubmitRsp encode. Closed loop, 16 requests in flight, 1 KiB text attachment each.
 */
const AUTH = `Basic ${Buffer.from('bench:pw').toString('base64')}`;

function post(agent: http.Agent, url: URL, ct: string, body: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': ct, 'content-length': body.length, authorization: AUTH, soapaction: '""' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function run(): Promise<void> {
  for (const fsync of [true, false]) {
    const mmsc = await startReferenceMmsc(
      { fsync, vasps: [{ vaspId: 'VASP1', username: 'bench', password: 'pw', shortCodes: ['12345'] }] },
      { modules: [createModule()] },
    );
    const url = new URL(mmsc.endpoints.find((e) => e.iface === 'MM7')?.url ?? '');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const text = 'x'.repeat(1024);
    let seq = 0;
    const one = async (): Promise<number> => {
      const n = seq++;
      const msg: Mm7Message = {
        type: 'SubmitReq',
        transactionId: `bench-${fsync}-${n}`,
        version: 'REL-6-MM7-1-4',
        fields: {
          MM7Version: '6.8.0',
          SenderIdentification: { VASPID: 'VASP1' },
          Recipients: { To: mm7Address(`+1777${String(n).padStart(7, '0')}`) },
          Subject: 'bench',
        },
        content: {
          headers: [],
          contentType: 'text/plain',
          params: { charset: 'utf-8' },
          body: Buffer.from(text),
        },
      };
      const { contentType, body } = encodeMm7(msg);
      const t0 = performance.now();
      const answer = await post(agent, url, contentType, body);
      const ms = performance.now() - t0;
      const rsp = decodeMm7(answer);
      if ((rsp.fields.Status as { StatusCode?: string }).StatusCode !== '1000') throw new Error('refused');
      return ms;
    };
    for (let i = 0; i < 50; i++) await one(); // warm-up
    const N = 1000;
    const lat: number[] = [];
    const t0 = performance.now();
    let left = N;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (left-- > 0) lat.push(await one());
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    lat.sort((a, b) => a - b);
    console.log(
      `mm7 SubmitReq->SubmitRsp fsync=${fsync}: ${(N / secs).toFixed(0)} req/s, p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms (16 in flight, ${N} requests)`,
    );
    agent.destroy();
    await mmsc.stop();
  }
}
