import nodemailer from 'nodemailer';
import { encodeMm4 } from '../src/codec/mm4/index.ts';
import { startReferenceMmsc } from '../src/mmsc/index.ts';
import { createModule } from '../src/mmsc/mm4/index.ts';

/**
 * MM4_forward.REQ in through the reference MMSC's MM4 module, in process: SMTP (smtp-server),
 * MM4 decode + validation, MMS conversion, durable accept (message directory + outbox job),
 * SMTP 250. No X-Mms-Ack-Request, so the 250 is the whole transaction (a RES would be another
 * SMTP transaction queued in the outbox). Pooled client, 8 connections, 1 KiB text part.
 */
const OURS = 'mms.mnc001.mcc310.gprs';
const PEER = 'mms.mnc002.mcc310.gprs';

function forward(n: number, run: string): Uint8Array {
  const text = 'x'.repeat(1024);
  return encodeMm4({
    type: 'MM4_forward.REQ',
    headers: [
      { name: 'X-Mms-3GPP-MMS-Version', value: '6.10.0' },
      { name: 'X-Mms-Message-Type', value: 'MM4_forward.REQ' },
      { name: 'X-Mms-Transaction-ID', value: `bench-${run}-${n}` },
      { name: 'X-Mms-Message-ID', value: `bench-${run}-${n}` },
      { name: 'Sender', value: `system-user@${PEER}` },
      { name: 'From', value: `+15559001/TYPE=PLMN@${PEER}` },
      { name: 'To', value: `+1555${String(n % 1_000_000).padStart(7, '0')}/TYPE=PLMN@${OURS}` },
      { name: 'Date', value: new Date().toUTCString().replace('GMT', '+0000') },
      { name: 'Message-ID', value: `<bench-${run}-${n}@${PEER}>` },
    ],
    content: {
      headers: [],
      contentType: 'text/plain',
      params: { charset: 'us-ascii' },
      body: Buffer.from(text),
    },
  });
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function run(): Promise<void> {
  for (const fsync of [true, false]) {
    const mmsc = await startReferenceMmsc(
      { fsync, domains: [OURS], mm4: { peers: [{ domain: PEER, host: '127.0.0.1', port: 9 }] } },
      { modules: [createModule()] },
    );
    const url = new URL(mmsc.endpoints.find((e) => e.iface === 'MM4')?.url ?? '');
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: Number(url.port),
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: 8,
      maxMessages: Number.POSITIVE_INFINITY,
      name: PEER,
      logger: false,
    });
    const runTag = `${fsync ? 'f' : 'n'}${Date.now().toString(36)}`;
    let seq = 0;
    const one = async (): Promise<number> => {
      const n = seq++;
      const raw = forward(n, runTag);
      const t0 = performance.now();
      await transport.sendMail({
        envelope: {
          from: `system-user@${PEER}`,
          to: [`+1555${String(n % 1_000_000).padStart(7, '0')}/TYPE=PLMN@${OURS}`],
        },
        raw: Buffer.from(raw),
      });
      return performance.now() - t0;
    };
    for (let i = 0; i < 30; i++) await one(); // warm-up
    const N = 600;
    const lat: number[] = [];
    const t0 = performance.now();
    let left = N;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (left-- > 0) lat.push(await one());
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    lat.sort((a, b) => a - b);
    console.log(
      `MM4_forward.REQ in -> durable accept -> 250 (fsync ${fsync ? 'on' : 'off'}): ${(N / secs).toFixed(0)} forwards/s, ` +
        `p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms (8 SMTP connections, ${N} forwards)`,
    );
    transport.close();
    await mmsc.stop();
  }
}
