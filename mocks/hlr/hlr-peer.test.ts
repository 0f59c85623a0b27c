import * as dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeDnsMessage, encodeDnsMessage } from '../../src/codec/dns/dns-message.ts';
import type { JsonObject } from '../../src/util/json.ts';
import { type MessageObservation, Timeline } from '../../src/wire/timeline.ts';
import { PeerConfigError } from '../peer.ts';
import { e164ToEnumDomain, enumDomainToE164, mmscDomain, normaliseE164 } from './enum.ts';
import { generateSubscribers } from './hlr-directory.ts';
import { HlrPeer, hlrConfigFromJson } from './hlr-peer.ts';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

const CONFIG: JsonObject = {
  subscribers: [
    { msisdn: '+15550001', imsi: '310001000000001', mcc: '310', mnc: '001' },
    { msisdn: '+15550002', mcc: '310', mnc: '02', roaming: true },
  ],
  domains: { 'mms.mnc001.mcc310.gprs': '127.0.0.1' },
};

async function startHlr(config: JsonObject = CONFIG) {
  const timeline = new Timeline();
  const peer = new HlrPeer(hlrConfigFromJson(config), { seed: 42 });
  const eps = await peer.start({ timeline, host: '127.0.0.1' });
  cleanup.push(() => peer.stop());
  const dnsPort = Number(new URL(eps[0].url).port);
  const http = eps[1].url;
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([`127.0.0.1:${dnsPort}`]);
  return { timeline, peer, eps, dnsPort, http, resolver };
}

/** One raw UDP exchange; resolves with the reply or undefined after `ms`. */
function udpAsk(port: number, msg: Uint8Array, ms = 1500): Promise<Buffer | undefined> {
  const s = dgram.createSocket('udp4');
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      s.close();
      resolve(undefined);
    }, ms);
    s.on('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve(m);
    });
    s.send(msg, port, '127.0.0.1');
  });
}

const query = (name: string, type: number, opcode = 0) =>
  encodeDnsMessage({
    id: 0x4242,
    flags: { qr: false, opcode, aa: false, tc: false, rd: true, ra: false, z: 0, rcode: 0 },
    questions: [{ name, type, class: 1 }],
    answers: [],
    authorities: [],
    additionals: [],
  });

describe('ENUM helpers', () => {
  it('maps E.164 numbers to ENUM domains and back (RFC 6116 §2.4), MMSC domains per IR.52', () => {
    expect(e164ToEnumDomain('+15550001')).toBe('1.0.0.0.5.5.5.1.e164.arpa');
    expect(enumDomainToE164('1.0.0.0.5.5.5.1.e164.arpa.')).toBe('+15550001');
    expect(enumDomainToE164('x.1.e164.arpa')).toBeUndefined();
    expect(normaliseE164('1 555-0001')).toBe('+15550001');
    expect(normaliseE164('+0123')).toBeUndefined();
    expect(mmscDomain('310', '1')).toBe('mms.mnc001.mcc310.gprs');
  });

  it('generates the same subscribers from the same seed', () => {
    expect(generateSubscribers(5, 7)).toEqual(generateSubscribers(5, 7));
    expect(generateSubscribers(5, 7)).not.toEqual(generateSubscribers(5, 8));
    for (const s of generateSubscribers(20, 1)) expect(s.msisdn).toMatch(/^\+1555\d{7}$/);
  });
});

describe('HLR DNS (MM5 / ENUM)', () => {
  it('answers NAPTR for a subscriber (node:dns as the client)', async () => {
    const { resolver, timeline, eps } = await startHlr();
    expect(eps[0]).toMatchObject({ peer: 'hlr', protocol: 'dns' });
    const naptr = await resolver.resolveNaptr('1.0.0.0.5.5.5.1.e164.arpa');
    expect(naptr).toEqual([
      {
        order: 10,
        preference: 10,
        flags: 'u',
        service: 'E2U+mms:mailto',
        regexp: '!^.*$!mailto:+15550001/TYPE=PLMN@mms.mnc001.mcc310.gprs!',
        replacement: '',
      },
    ]);
    const q = timeline.messages({ type: 'NAPTR', direction: 'in' });
    const a = timeline.messages({ type: 'NAPTR', direction: 'out' });
    expect(q[0].iface).toBe('MM5');
    expect((a[0].fields as JsonObject).rcode).toBe('NOERROR');
  });

  it('NXDOMAIN for unknown numbers and names', async () => {
    const { resolver } = await startHlr();
    await expect(resolver.resolveNaptr('9.9.9.9.5.5.5.1.e164.arpa')).rejects.toMatchObject({
      code: 'ENOTFOUND',
    });
    await expect(resolver.resolve4('nowhere.example')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it("answers A (127.0.0.1 only) and MX for MMSC domains, including subscribers' home domains", async () => {
    const { resolver } = await startHlr();
    expect(await resolver.resolve4('mms.mnc001.mcc310.gprs')).toEqual(['127.0.0.1']);
    expect(await resolver.resolveMx('mms.mnc001.mcc310.gprs')).toEqual([
      { priority: 10, exchange: 'mms.mnc001.mcc310.gprs' },
    ]);
    expect(await resolver.resolve4('mms.mnc002.mcc310.gprs')).toEqual(['127.0.0.1']);
    expect(() => hlrConfigFromJson({ domains: { 'mms.mnc001.mcc310.gprs': '10.0.0.1' } })).not.toThrow();
    expect(
      () => new HlrPeer(hlrConfigFromJson({ domains: { 'mms.mnc001.mcc310.gprs': '10.0.0.1' } })),
    ).toThrow(PeerConfigError);
  });

  it('number portability and add/remove actions change the ENUM answer', async () => {
    const { resolver, peer } = await startHlr();
    await peer.actions.port({ msisdn: '+15550001', mcc: '311', mnc: '480' });
    const [n] = await resolver.resolveNaptr('1.0.0.0.5.5.5.1.e164.arpa');
    expect(n.regexp).toBe('!^.*$!mailto:+15550001/TYPE=PLMN@mms.mnc480.mcc311.gprs!');
    await peer.actions['add-subscriber']({ msisdn: '+15550077', mcc: '310', mnc: '001' });
    expect(await resolver.resolveNaptr(e164ToEnumDomain('+15550077'))).toHaveLength(1);
    expect(await peer.actions['remove-subscriber']({ msisdn: '+15550077' })).toEqual({ removed: true });
    await expect(resolver.resolveNaptr(e164ToEnumDomain('+15550077'))).rejects.toMatchObject({
      code: 'ENOTFOUND',
    });
  });

  it('behaviours: servfail, nxdomain-all, slow, truncate (client retries over TCP)', async () => {
    const { resolver, peer, timeline } = await startHlr();
    peer.use({ kind: 'servfail' });
    await expect(resolver.resolveNaptr('1.0.0.0.5.5.5.1.e164.arpa')).rejects.toMatchObject({
      code: 'ESERVFAIL',
    });
    peer.resetBehaviours();
    peer.use({ kind: 'nxdomain-all' });
    await expect(resolver.resolve4('mms.mnc001.mcc310.gprs')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    peer.resetBehaviours();
    peer.use({ kind: 'slow', ms: 100 });
    const t0 = performance.now();
    expect(await resolver.resolve4('mms.mnc001.mcc310.gprs')).toEqual(['127.0.0.1']);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(95);
    peer.resetBehaviours();
    peer.use({ kind: 'truncate' });
    const since = timeline.length;
    expect(await resolver.resolveNaptr('1.0.0.0.5.5.5.1.e164.arpa')).toHaveLength(1);
    const answers = timeline
      .messages({ type: 'NAPTR', direction: 'out' }, since)
      .map((o) => o.fields as JsonObject);
    expect(answers.map((f) => [f.transport, f.tc])).toEqual([
      ['udp', true],
      ['tcp', false],
    ]);
    expect(() => peer.use({ kind: 'slow', ms: -1 })).toThrow(PeerConfigError);
    expect(() => peer.use({ kind: 'nope' })).toThrow(PeerConfigError);
  });

  it('FORMERR for malformed queries, NOTIMP for other opcodes, and keeps serving', async () => {
    const { dnsPort, resolver, timeline } = await startHlr();
    const formerr = await udpAsk(
      dnsPort,
      new Uint8Array([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 9, 0x61]),
    );
    expect(formerr).toBeDefined();
    const f = decodeDnsMessage(new Uint8Array(formerr!));
    expect([f.id, f.flags.qr, f.flags.rcode]).toEqual([0x1234, true, 1]);
    const notimp = decodeDnsMessage(new Uint8Array((await udpAsk(dnsPort, query('x.example', 1, 2)))!));
    expect([notimp.id, notimp.flags.rcode, notimp.flags.opcode]).toEqual([0x4242, 4, 2]);
    // a 1-octet datagram cannot be answered (no ID): dropped, reported
    expect(await udpAsk(dnsPort, new Uint8Array([7]), 300)).toBeUndefined();
    expect(timeline.query((o) => o.kind === 'event' && o.name === 'dns-malformed-query').length).toBe(2);
    // TCP: garbage message then a good one on the same connection
    const sock = net.connect({ port: dnsPort, host: '127.0.0.1' });
    cleanup.push(() => void sock.destroy());
    const replies: Buffer[] = [];
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        replies.push(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
    });
    const frame = (b: Uint8Array) => Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
    sock.write(
      Buffer.concat([
        frame(new Uint8Array([0xab, 0xcd, 0, 0, 0, 5])),
        frame(query('mms.mnc001.mcc310.gprs', 1)),
      ]),
    );
    await expect.poll(() => replies.length).toBe(2);
    expect(decodeDnsMessage(new Uint8Array(replies[0])).flags.rcode).toBe(1);
    expect(decodeDnsMessage(new Uint8Array(replies[1])).answers[0].data).toBe('127.0.0.1');
    expect(await resolver.resolve4('mms.mnc001.mcc310.gprs')).toEqual(['127.0.0.1']);
    const msgs = timeline.query((o): o is MessageObservation => o.kind === 'message' && o.iface === 'DNS');
    expect(msgs.length).toBeGreaterThan(0);
  });
});

describe('HLR DNS under hostile names (labels holding a dot, names that do not read back)', () => {
  const header = (id: number) => Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0]);
  const NAPTR_IN = Buffer.from([0x00, 0x23, 0x00, 0x01]);
  /** The octets of a QNAME made of the given raw labels (RFC 1035 §4.1.2), e.g. a label that holds a dot. */
  const qname = (labels: string[]) =>
    Buffer.concat([
      ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')])),
      Buffer.from([0]),
    ]);
  const rawQuery = (id: number, name: Buffer) => new Uint8Array(Buffer.concat([header(id), name, NAPTR_IN]));

  /** One query over UDP and one over TCP (RFC 1035 §4.2.2 length prefix); the two responses. */
  async function askBoth(dnsPort: number, name: Buffer): Promise<[Uint8Array, Uint8Array]> {
    const udp = await udpAsk(dnsPort, rawQuery(0x5151, name));
    expect(udp).toBeDefined();
    const sock = net.connect({ port: dnsPort, host: '127.0.0.1' });
    cleanup.push(() => void sock.destroy());
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
    });
    const q = rawQuery(0x6262, name);
    sock.write(Buffer.concat([Buffer.from([q.length >> 8, q.length & 0xff]), q]));
    await expect.poll(() => buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)).toBe(true);
    return [new Uint8Array(udp!), new Uint8Array(buf.subarray(2, 2 + buf.readUInt16BE(0)))];
  }

  // A label is any octets (RFC 2181 §11): a '.' or a backslash inside one is a name like any other
  // (no subscriber, no MMSC domain: NXDOMAIN), and the question comes back octet for octet: the
  // codec reads such a label as an escape (RFC 1035 §5.1), never as two labels.
  const dotted: string[][] = [
    ['.'],
    ['a..b'],
    ['a.'],
    ['.mms'],
    ['1', '.', 'e164', 'arpa'],
    ['5', '5', '5', '5', '1.0', 'e164', 'arpa'],
    ['a.b', 'example'],
    ['a\\', 'b\\.', 'example'],
    ['mms.mnc001.mcc310.gprs'],
  ];
  it.each(dotted)(
    'labels %j: NXDOMAIN over UDP and TCP, the question unchanged, still serving',
    async (...labels) => {
      const { dnsPort, resolver, timeline } = await startHlr();
      const name = qname(labels);
      const [u, t] = await askBoth(dnsPort, name);
      for (const [bytes, id] of [
        [u, 0x5151],
        [t, 0x6262],
      ] as const) {
        const m = decodeDnsMessage(bytes);
        expect([m.id, m.flags.qr, m.flags.rcode, m.questions.length, m.answers.length]).toEqual([
          id,
          true,
          3,
          1,
          0,
        ]);
        // the question section echoed as sent (RFC 1035 §4.1.1), not a re-spelt name
        expect(
          Buffer.from(bytes.subarray(12, 12 + name.length + 4)).equals(Buffer.concat([name, NAPTR_IN])),
        ).toBe(true);
      }
      // 'mms.mnc001.mcc310.gprs' as ONE label is not the MMSC domain of that name in four labels
      expect(await resolver.resolve4('mms.mnc001.mcc310.gprs')).toEqual(['127.0.0.1']);
      expect(timeline.query((o) => o.kind === 'event' && o.name === 'hlr-dns-internal-error')).toEqual([]);
    },
  );

  // A QNAME that does not read back as written (here a compression pointer to offset 4, inside the
  // header: QDCOUNT's high octet 0 reads as the root name, which encodes as one 0 octet) names
  // nothing we can answer without changing the question: FORMERR (RFC 1035 §4.1.1), no question.
  it('FORMERR over UDP and TCP for a QNAME that cannot be written back as sent, still serving', async () => {
    const { dnsPort, resolver, timeline } = await startHlr();
    const [u, t] = await askBoth(dnsPort, Buffer.from([0xc0, 0x04]));
    const um = decodeDnsMessage(u);
    const tm = decodeDnsMessage(t);
    expect([um.id, um.flags.qr, um.flags.rcode, um.questions.length]).toEqual([0x5151, true, 1, 0]);
    expect([tm.id, tm.flags.rcode, tm.questions.length]).toEqual([0x6262, 1, 0]);
    expect(await resolver.resolve4('mms.mnc001.mcc310.gprs')).toEqual(['127.0.0.1']);
    expect(timeline.query((o) => o.kind === 'event' && o.name === 'hlr-dns-internal-error')).toEqual([]);
  });
});

describe('HLR HTTP lookup', () => {
  it('200 with the subscriber, 404 unknown, 400 malformed, 405 other methods', async () => {
    const { http, timeline } = await startHlr();
    const ok = await fetch(`${http}%2B15550002`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      msisdn: '+15550002',
      imsi: '310002015550002',
      mcc: '310',
      mnc: '02',
      mmscDomain: 'mms.mnc002.mcc310.gprs',
      ported: false,
      roaming: true,
    });
    const plain = await fetch(`${http}15550001`);
    expect(((await plain.json()) as JsonObject).imsi).toBe('310001000000001');
    const missing = await fetch(`${http}+15559999`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'unknown-subscriber' });
    for (const bad of ['abc', '%E0%A4%A', '+0123456']) {
      const r = await fetch(`${http}${bad}`);
      expect(r.status, bad).toBe(400);
      expect(((await r.json()) as JsonObject).error).toBe('bad-msisdn');
    }
    expect((await fetch(`${http}+15550001`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(http.replace('/hlr/v1/subscribers/', '/other'))).status).toBe(404);
    const lookups = timeline.messages({ type: 'hlr-lookup', iface: 'MM5' });
    expect(lookups.length).toBeGreaterThanOrEqual(7);
  });

  it('answers malformed HTTP with 400 and keeps serving', async () => {
    const { http } = await startHlr();
    const port = Number(new URL(http).port);
    const reply = await new Promise<string>((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => s.write('GARBAGE \x00\x01 nonsense\r\n\r\n'));
      let text = '';
      s.on('data', (d) => {
        text += d.toString('latin1');
      });
      s.on('close', () => resolve(text));
      s.on('error', () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`${http}+15550001`)).status).toBe(200);
  });

  it('a bare HLR generates ten subscribers from the seed', async () => {
    const { peer } = await startHlr({});
    expect((await peer.actions.subscribers({})) as JsonObject[]).toHaveLength(10);
  });

  it('serves seeded generated subscribers', async () => {
    const { http, peer } = await startHlr({ generate: 3 });
    const list = (await peer.actions.subscribers({})) as JsonObject[];
    expect(list).toHaveLength(3);
    const r = await fetch(`${http}${encodeURIComponent(list[0].msisdn as string)}`);
    expect(await r.json()).toEqual(list[0]);
  });
});
