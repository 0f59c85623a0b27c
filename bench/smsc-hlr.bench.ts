import { Resolver } from 'node:dns/promises';
import * as smpp from 'smpp';
import { answerDns } from '../mocks/hlr/dns-responder.ts';
import { HlrDirectory } from '../mocks/hlr/hlr-directory.ts';
import { HlrPeer } from '../mocks/hlr/hlr-peer.ts';
import { SmscPeer } from '../mocks/smsc/smsc-peer.ts';
import { decodeDnsMessage, encodeDnsMessage } from '../src/codec/dns/dns-message.ts';
import { decodeSmpp } from '../src/codec/smpp/index.ts';
import { Timeline } from '../src/wire/timeline.ts';

function rate(label: string, n: number, ms: number, unit = 'ops'): void {
  console.log(
    `${label}: ${Math.round((n * 1000) / ms).toLocaleString('en-US')} ${unit}/s (${n} in ${ms.toFixed(0)} ms)`,
  );
}

function loop(n: number, f: () => void): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f();
  return performance.now() - t0;
}

export async function run(): Promise<void> {
  // pure codecs
  const submit = new Uint8Array(
    new smpp.PDU('submit_sm', {
      source_addr: '15550009',
      destination_addr: '15550001',
      esm_class: 0x40,
      data_coding: 4,
      short_message: Buffer.alloc(140, 0x41),
      sar_msg_ref_num: 1,
      sar_total_segments: 2,
      sar_segment_seqnum: 1,
    }).toBuffer(),
  );
  loop(20_000, () => decodeSmpp(submit));
  rate(
    'SMPP submit_sm decode (140-octet UD, 3 TLVs)',
    200_000,
    loop(200_000, () => decodeSmpp(submit)),
    'decodes',
  );

  const dir = new HlrDirectory([
    { msisdn: '+15550001', imsi: '310001000000001', mcc: '310', mnc: '001', ported: false, roaming: false },
  ]);
  const q = encodeDnsMessage({
    id: 1,
    flags: { qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, z: 0, rcode: 0 },
    questions: [{ name: '1.0.0.0.5.5.5.1.e164.arpa', type: 35, class: 1 }],
    answers: [],
    authorities: [],
    additionals: [],
  });
  const answer = answerDns(q, dir, { transport: 'udp' }).bytes!;
  rate(
    'DNS NAPTR response decode',
    100_000,
    loop(100_000, () => decodeDnsMessage(answer)),
    'decodes',
  );
  rate(
    'ENUM NAPTR answer (decode query + build + encode)',
    100_000,
    loop(100_000, () => answerDns(q, dir, { transport: 'udp' })),
    'answers',
  );

  // SMSC over loopback, tapped, smpp package client
  const timeline = new Timeline();
  const smsc = new SmscPeer({}, {});
  await smsc.start({ timeline, host: '127.0.0.1' });
  const session = smpp.connect({ url: `smpp://127.0.0.1:${smsc.port}` });
  session.on('error', () => undefined);
  await new Promise<void>((r) => session.once('connect', () => r()));
  await new Promise((r) =>
    session.send(new smpp.PDU('bind_transceiver', { system_id: 'b', password: 'b' }), r),
  );
  const call = () =>
    new Promise((r) =>
      session.send(
        new smpp.PDU('submit_sm', { destination_addr: '15550001', short_message: Buffer.from('bench') }),
        r,
      ),
    );
  for (const window of [1, 10]) {
    const total = 2000;
    const t0 = performance.now();
    for (let i = 0; i < total; i += window) await Promise.all(Array.from({ length: window }, call));
    rate(
      `SMSC submit_sm round trips over loopback (window ${window}, tapped)`,
      total,
      performance.now() - t0,
      'submits',
    );
  }
  session.destroy();
  await smsc.stop();

  // ENUM over UDP with node:dns
  const hlr = new HlrPeer({ subscribers: dir.list() });
  const [dns] = await hlr.start({ timeline: new Timeline(), host: '127.0.0.1' });
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([new URL(dns.url).host]);
  const n = 1000;
  const t0 = performance.now();
  for (let i = 0; i < n; i += 10) {
    await Promise.all(Array.from({ length: 10 }, () => resolver.resolveNaptr('1.0.0.0.5.5.5.1.e164.arpa')));
  }
  rate('ENUM NAPTR lookups over UDP (node:dns, 10 in flight)', n, performance.now() - t0, 'lookups');
  await hlr.stop();
}
