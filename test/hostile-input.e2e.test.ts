import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AirInterface } from '../mocks/air-interface.ts';
import type { Peer, PeerEndpoint } from '../mocks/peer.ts';
import { PEER_KINDS } from '../mocks/peer-kinds.ts';
import { type RunningMmsc, startReferenceMmsc } from '../src/mmsc/index.ts';
import { createModule as mm3Module } from '../src/mmsc/mm3/index.ts';
import { createModule as mm4Module } from '../src/mmsc/mm4/index.ts';
import { createModule as mm7Module } from '../src/mmsc/mm7/index.ts';
import type { JsonObject } from '../src/util/json.ts';
import { Timeline } from '../src/wire/timeline.ts';

/**
 * Every server of mmscert attacked over real loopback sockets with malformed input: junk,
 * truncated frames, huge lengths, invalid UTF-8 and abrupt resets. Per server and attack: no
 * exception escapes (vitest fails the run on an uncaught one), the server answers with its
 * protocol's own error where the attack leaves something to answer (HTTP 4xx, SMTP 5xx/421, SMPP
 * generic_nack, DNS FORMERR) or closes the connection, and an ordinary client is served right
 * after. One table: a row per server, a row per attack of its transport.
 */

type Transport = 'http' | 'smtp' | 'smpp' | 'dns-udp' | 'dns-tcp';
interface Server {
  name: string;
  transport: Transport;
  port: number;
}

const timeline = new Timeline();
const peers: Peer[] = [];
let mmsc: RunningMmsc | undefined;
const servers: Server[] = [];

function portOf(url: string): number {
  return Number(new URL(url.replace(/^(smpp|dns|smtp):/, 'http:')).port);
}

beforeAll(async () => {
  const air = new AirInterface();
  const ctx = { timeline, host: '127.0.0.1' as const };
  const start = async (kind: string, config: JsonObject): Promise<PeerEndpoint[]> => {
    const p = PEER_KINDS[kind]!.create(config, { timeline, air });
    peers.push(p);
    return p.start(ctx);
  };
  const smsc = await start('smsc', {});
  const hlr = await start('hlr', {});
  const vasp = await start('vasp', {});
  const mail = await start('mail', {});
  const remote = await start('remote-mmsc', {});
  const ppg = await start('ppg', {
    smsc: { port: portOf(smsc[0]!.url), systemId: 'ppg', sourceAddr: '9200' },
  });
  mmsc = await startReferenceMmsc(
    {
      fsync: false,
      vasps: [{ vaspId: 'v1', shortCodes: ['1234'] }],
      notification: {
        route: 'smpp',
        host: '127.0.0.1',
        port: portOf(smsc[0]!.url),
        systemId: 'mmsc',
        password: 'pw',
      },
    },
    { timeline, modules: [mm4Module(), mm3Module(), mm7Module()] },
  );
  const ep = (iface: string) => mmsc!.endpoints.find((e) => e.iface === iface)!.url;
  const gw = await start('wap-gateway', { upstream: ep('MM1') });
  servers.push(
    { name: 'mmsc MM1', transport: 'http', port: portOf(ep('MM1')) },
    { name: 'mmsc MM7', transport: 'http', port: portOf(ep('MM7')) },
    { name: 'mmsc MM4', transport: 'smtp', port: portOf(ep('MM4')) },
    { name: 'mmsc MM3', transport: 'smtp', port: portOf(ep('MM3')) },
    { name: 'smsc', transport: 'smpp', port: portOf(smsc[0]!.url) },
    { name: 'hlr dns/udp', transport: 'dns-udp', port: portOf(hlr[0]!.url) },
    { name: 'hlr dns/tcp', transport: 'dns-tcp', port: portOf(hlr[0]!.url) },
    { name: 'hlr http', transport: 'http', port: portOf(hlr[1]!.url) },
    { name: 'vasp', transport: 'http', port: portOf(vasp[0]!.url) },
    { name: 'mail', transport: 'smtp', port: portOf(mail[0]!.url) },
    { name: 'remote-mmsc', transport: 'smtp', port: portOf(remote[0]!.url) },
    { name: 'ppg', transport: 'http', port: portOf(ppg[0]!.url) },
    { name: 'wap-gateway', transport: 'http', port: portOf(gw[0]!.url) },
  );
}, 30_000);

afterAll(async () => {
  for (const p of peers.reverse()) await p.stop();
  await mmsc?.stop();
});

interface TcpOutcome {
  text: string;
  bytes: Buffer;
  closed: boolean;
}

/** Writes `chunks` on a fresh connection (then FIN if `end`, or RST if `reset`), collects the answer. */
function tcp(
  port: number,
  chunks: Array<string | Buffer>,
  opts: { end?: boolean; reset?: boolean; waitMs?: number; readGreeting?: boolean } = {},
): Promise<TcpOutcome> {
  return new Promise((resolve) => {
    const got: Buffer[] = [];
    let closed = false;
    const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const done = () => {
      clearTimeout(timer);
      const bytes = Buffer.concat(got);
      s.destroy();
      resolve({ text: bytes.toString('latin1'), bytes, closed });
    };
    const timer = setTimeout(done, opts.waitMs ?? 1500);
    s.on('data', (d: Buffer) => got.push(d));
    s.on('end', () => {
      closed = true;
      done();
    });
    s.on('close', () => {
      closed = true;
      done();
    });
    s.on('error', () => undefined);
    s.on('connect', async () => {
      if (opts.readGreeting) await new Promise((r) => setTimeout(r, 400));
      for (const c of chunks) s.write(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
      if (opts.reset) {
        s.resetAndDestroy();
        closed = true;
        done();
      } else if (opts.end) s.end();
    });
  });
}

function udp(port: number, msg: Buffer, waitMs = 800): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      resolve(undefined);
    }, waitMs);
    s.on('message', (m) => {
      clearTimeout(timer);
      s.close();
      resolve(m);
    });
    s.send(msg, port, '127.0.0.1');
  });
}

/** A DNS query (RFC 1035 §4.1): id, RD, one question of type `qtype` for `labels`. */
function dnsQuery(id: number, labels: Buffer[], qtype = 1): Buffer {
  const head = Buffer.from([id >> 8, id & 255, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  const name = Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), l])),
    Buffer.from([0]),
  ]);
  return Buffer.concat([head, name, Buffer.from([0, qtype, 0, 1])]);
}
const rcode = (m: Buffer | undefined) => (m && m.length >= 4 ? m[3]! & 0x0f : -1);

/** An SMPP PDU header (SMPP 3.4 §3.2) with `body`. */
function smpp(commandId: number, seq: number, body = Buffer.alloc(0), length?: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32BE(length ?? 16 + body.length, 0);
  h.writeUInt32BE(commandId >>> 0, 4);
  h.writeUInt32BE(0, 8);
  h.writeUInt32BE(seq, 12);
  return Buffer.concat([h, body]);
}
const commandIds = (b: Buffer): number[] => {
  const out: number[] = [];
  for (let o = 0; o + 16 <= b.length; ) {
    const len = b.readUInt32BE(o);
    out.push(b.readUInt32BE(o + 4));
    if (len < 16) break;
    o += len;
  }
  return out;
};
const GENERIC_NACK = 0x80000000;

interface Attack {
  name: string;
  run(port: number): Promise<void>;
}

const INVALID_UTF8 = Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]);

const ATTACKS: Record<Transport, Attack[]> = {
  http: [
    {
      name: 'junk that is not HTTP: 400',
      async run(port) {
        const r = await tcp(port, ['\x8c\x80\x98junk\x00\xff\r\n\r\n']);
        expect(r.text).toMatch(/^HTTP\/1\.1 400 /);
      },
    },
    {
      name: 'invalid UTF-8 in the request line and a header: 4xx',
      async run(port) {
        const r = await tcp(port, [
          Buffer.concat([Buffer.from('GET /'), INVALID_UTF8, Buffer.from(' HTTP/1.1\r\nHost: x\r\nX-Bad: ')]),
          Buffer.concat([INVALID_UTF8, Buffer.from('\r\nConnection: close\r\n\r\n')]),
        ]);
        expect(r.text).toMatch(/^HTTP\/1\.1 4\d\d /);
      },
    },
    {
      name: 'a Content-Length of 10^20: 4xx',
      async run(port) {
        const r = await tcp(port, [
          'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000000000000000\r\n\r\nab',
        ]);
        expect(r.text).toMatch(/^HTTP\/1\.1 4\d\d /);
      },
    },
    {
      name: 'headers beyond the header size limit: 431 or 4xx',
      async run(port) {
        const r = await tcp(port, [`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`]);
        expect(r.text).toMatch(/^HTTP\/1\.1 4\d\d /);
      },
    },
    {
      name: 'a truncated request then FIN: closed',
      async run(port) {
        const r = await tcp(port, ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\nabc'], {
          end: true,
        });
        expect(r.closed).toBe(true);
      },
    },
    {
      name: 'an abrupt reset mid-request',
      async run(port) {
        await tcp(port, ['POST / HTTP/1.1\r\nHost: x\r\nContent-Le'], { reset: true });
      },
    },
  ],
  smtp: [
    {
      name: 'junk commands: 5xx (421 after too many)',
      async run(port) {
        const r = await tcp(port, ['\x8c\x80junk\r\n', Buffer.concat([INVALID_UTF8, Buffer.from('\r\n')])], {
          readGreeting: true,
        });
        expect(r.text).toMatch(/^220 /);
        expect(r.text).toMatch(/\r\n5\d\d /);
      },
    },
    {
      name: 'invalid UTF-8 in MAIL FROM: 5xx',
      async run(port) {
        const r = await tcp(
          port,
          ['EHLO x\r\n', Buffer.concat([Buffer.from('MAIL FROM:<'), INVALID_UTF8, Buffer.from('@x>\r\n')])],
          { readGreeting: true },
        );
        expect(r.text).toMatch(/\r\n250[ -]/);
        expect(r.text).toMatch(/\r\n5\d\d /);
      },
    },
    {
      name: 'a 100 kB line without CRLF: an error reply or a close',
      async run(port) {
        const r = await tcp(port, [`EHLO ${'a'.repeat(100_000)}`], { readGreeting: true });
        expect(r.text.split('\r\n').slice(1).join('\n')).toMatch(/^[45]\d\d |^$/m);
      },
    },
    {
      name: 'DATA cut by FIN: closed without a 250',
      async run(port) {
        const r = await tcp(port, ['EHLO x\r\nMAIL FROM:<a@b.example>\r\nDATA\r\nSubject: x\r\n\r\nhalf'], {
          end: true,
          readGreeting: true,
        });
        expect(r.text).not.toMatch(/250 [^\r]*(queued|OK|Ok)[^\r]*\r\n$/);
      },
    },
    {
      name: 'an abrupt reset after EHLO',
      async run(port) {
        await tcp(port, ['EHLO x\r\nMAIL FR'], { reset: true, readGreeting: true });
      },
    },
  ],
  smpp: [
    {
      name: 'a command_length of 2^32-1: generic_nack then close',
      async run(port) {
        const r = await tcp(port, [smpp(0x00000015, 7, Buffer.alloc(0), 0xffffffff)]);
        expect(commandIds(r.bytes)).toContain(GENERIC_NACK);
        expect(r.closed).toBe(true);
      },
    },
    {
      name: 'an unknown command id: generic_nack',
      async run(port) {
        const r = await tcp(port, [smpp(0x0000abcd, 8)], { waitMs: 600 });
        expect(commandIds(r.bytes)).toContain(GENERIC_NACK);
      },
    },
    {
      name: 'a bind_transmitter with invalid UTF-8 and no terminating NULs: an error response',
      async run(port) {
        const r = await tcp(port, [smpp(0x00000002, 9, Buffer.concat([INVALID_UTF8, INVALID_UTF8]))], {
          waitMs: 600,
        });
        const ids = commandIds(r.bytes);
        expect(ids.length).toBeGreaterThan(0);
        expect(r.bytes.readUInt32BE(8)).not.toBe(0); // command_status: an error
      },
    },
    {
      name: 'a truncated PDU then FIN: closed',
      async run(port) {
        const r = await tcp(port, [smpp(0x00000015, 10, Buffer.alloc(0), 100).subarray(0, 20)], {
          end: true,
        });
        expect(r.closed).toBe(true);
      },
    },
    {
      name: 'an abrupt reset mid-PDU',
      async run(port) {
        await tcp(port, [smpp(0x00000015, 11, Buffer.alloc(0), 40).subarray(0, 20)], { reset: true });
      },
    },
  ],
  'dns-udp': [
    {
      name: 'a 5-octet datagram: dropped or FORMERR',
      async run(port) {
        const m = await udp(port, Buffer.from([1, 2, 3, 4, 5]), 300);
        expect(m === undefined || rcode(m) === 1).toBe(true);
      },
    },
    {
      // RFC 1035 §3.1/§5.1: a label is any octets; '.' inside one is an escaped dot, the name is
      // unknown like any other: NXDOMAIN, never a crash or a silently changed name
      name: 'a label holding a dot: NXDOMAIN for that very name',
      async run(port) {
        expect(rcode(await udp(port, dnsQuery(0x1234, [Buffer.from('a.b'), Buffer.from('mms')])))).toBe(3);
      },
    },
    {
      name: 'invalid UTF-8 labels and a QDCOUNT of 65535: an error rcode',
      async run(port) {
        const q = dnsQuery(0x1235, [INVALID_UTF8, Buffer.from('arpa')]);
        q.writeUInt16BE(0xffff, 4);
        const rc = rcode(await udp(port, q));
        expect(rc === -1 || rc === 1).toBe(true);
      },
    },
    {
      name: 'a compression pointer loop: FORMERR',
      async run(port) {
        const q = Buffer.concat([
          Buffer.from([0x12, 0x36, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
          Buffer.from([0xc0, 12, 0, 1, 0, 1]),
        ]);
        expect(rcode(await udp(port, q))).toBe(1);
      },
    },
  ],
  'dns-tcp': [
    {
      name: 'a 65535 length prefix and 3 octets then FIN: closed',
      async run(port) {
        const r = await tcp(port, [Buffer.from([0xff, 0xff, 1, 2, 3])], { end: true });
        expect(r.closed).toBe(true);
      },
    },
    {
      name: 'a zero length prefix: closed',
      async run(port) {
        const r = await tcp(port, [Buffer.from([0, 0])]);
        expect(r.closed).toBe(true);
      },
    },
    {
      name: 'a query with an empty label: FORMERR',
      async run(port) {
        const q = dnsQuery(0x2222, [Buffer.from('a'), Buffer.alloc(0), Buffer.from('b')]);
        const r = await tcp(port, [Buffer.concat([Buffer.from([q.length >> 8, q.length & 255]), q])], {
          waitMs: 600,
        });
        expect(r.bytes.length).toBeGreaterThan(5);
        expect(r.bytes[5]! & 0x0f).toBe(1);
      },
    },
    {
      name: 'an abrupt reset mid-message',
      async run(port) {
        await tcp(port, [Buffer.from([0, 40, 1, 2, 3])], { reset: true });
      },
    },
  ],
};

/** An ordinary client of each transport, served after every attack. */
const ORDINARY: Record<Transport, (port: number) => Promise<void>> = {
  async http(port) {
    const r = await tcp(port, ['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    expect(r.text).toMatch(/^HTTP\/1\.1 \d{3} /);
  },
  async smtp(port) {
    const r = await tcp(port, ['EHLO ordinary.example\r\nQUIT\r\n'], { readGreeting: true });
    expect(r.text).toMatch(/^220 [\s\S]*\r\n250[ -]/);
  },
  async smpp(port) {
    const r = await tcp(port, [smpp(0x00000015, 99)], { waitMs: 600 }); // enquire_link
    expect(commandIds(r.bytes).length).toBeGreaterThan(0);
  },
  async 'dns-udp'(port) {
    const m = await udp(port, dnsQuery(0x4242, [Buffer.from('mms'), Buffer.from('example')]));
    expect(m?.readUInt16BE(0)).toBe(0x4242);
  },
  async 'dns-tcp'(port) {
    const q = dnsQuery(0x4343, [Buffer.from('mms'), Buffer.from('example')]);
    const r = await tcp(port, [Buffer.concat([Buffer.from([q.length >> 8, q.length & 255]), q])], {
      waitMs: 600,
    });
    expect(r.bytes.readUInt16BE(2)).toBe(0x4343);
  },
};

const SERVER_NAMES: Array<[string, Transport]> = [
  ['mmsc MM1', 'http'],
  ['mmsc MM7', 'http'],
  ['mmsc MM4', 'smtp'],
  ['mmsc MM3', 'smtp'],
  ['smsc', 'smpp'],
  ['hlr dns/udp', 'dns-udp'],
  ['hlr dns/tcp', 'dns-tcp'],
  ['hlr http', 'http'],
  ['vasp', 'http'],
  ['mail', 'smtp'],
  ['remote-mmsc', 'smtp'],
  ['ppg', 'http'],
  ['wap-gateway', 'http'],
];

describe.each(SERVER_NAMES)('%s (%s) under hostile input', (name, transport) => {
  it.each(ATTACKS[transport].map((a) => [a.name, a] as const))(
    '%s, and an ordinary client is served right after',
    async (_n, attack) => {
      const server = servers.find((s) => s.name === name)!;
      await attack.run(server.port);
      await ORDINARY[transport](server.port);
    },
    15_000,
  );
});
