/**
 * The servers' input paths under mutated input: the reference MMSC (`mmscert serve`: MM1 and MM7
 * over HTTP, MM3 and MM4 over SMTP) and the peers (`mmscert peers`: the SMSC over SMPP, the HLR's
 * DNS over UDP and TCP, the PPG's PAP over HTTP) run as separate processes on ephemeral loopback
 * ports; each gets mutated versions of an ordinary exchange on fresh connections. After every
 * batch, and at the end, the process must still be up and the server must still answer an
 * ordinary request. Bounded in count (`inputs` per server) and in time (`maxMs` per server).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import * as smpp from 'smpp';
import { encodeDnsMessage } from '../../src/codec/dns/dns-message.ts';
import { mimePart } from '../../src/codec/mime/build-mime.ts';
import { buildMm4 } from '../../src/codec/mm4/build-mm4.ts';
import { encodeMm4 } from '../../src/codec/mm4/encode-mm4.ts';
import { encodeMm7 } from '../../src/codec/mm7/encode-mm7.ts';
import { mm7Address } from '../../src/codec/mm7/mm7-builders.ts';
import { buildPdu, encodeMms } from '../../src/codec/mms/index.ts';
import { inputId } from './engine.ts';
import { mutateBytes, seededRng } from './mutate.ts';
import { REGRESSIONS_DIR } from './regressions.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/mmscert.js');

export interface ServerFuzzOptions {
  inputs: number;
  seed: number;
  /** Time bound per server. */
  maxMs?: number;
  /** Inputs between health checks. */
  checkEvery?: number;
  log?: (s: string) => void;
  only?: string[];
  /** Where the peers process appends its observations (JSON lines), for debugging a failure. */
  peerEvents?: string;
}

export interface ServerFuzzResult {
  servers: Array<{
    name: string;
    inputs: number;
    perSecond: number;
    answered: number;
    ok: boolean;
    note?: string;
  }>;
  failures: string[];
  /** Health checks that failed once and then succeeded on a retry. */
  misses: string[];
}

interface Proc {
  child: ChildProcess;
  lines: string[];
  stderr: string[];
}

function startCli(args: string[], readyLines: number): Promise<Proc> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MMSCERT_BUNDLE: process.env.MMSCERT_BUNDLE ?? '0' },
    });
    const p: Proc = { child, lines: [], stderr: [] };
    let buf = '';
    const timer = setTimeout(
      () => reject(new Error(`${args[0]}: not ready in 60 s: ${p.stderr.join('')}`)),
      60_000,
    );
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      p.lines.push(...parts);
      if (p.lines.length >= readyLines) {
        clearTimeout(timer);
        resolve(p);
      }
    });
    child.stderr!.on('data', (d: Buffer) => {
      if (p.stderr.length < 200) p.stderr.push(d.toString());
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} exited with ${code}: ${p.stderr.join('').slice(0, 2000)}`));
    });
  });
}

function urlOf(p: Proc, prefix: string): URL {
  const line = p.lines.find((l) => l.startsWith(`${prefix} `));
  if (!line) throw new Error(`no '${prefix}' endpoint in: ${p.lines.join(' | ')}`);
  return new URL(line.split(' ')[1]);
}

/**
 * Sends raw octets on a fresh TCP connection and half-closes (after the server's greeting when
 * `greeting`: SMTP refuses early talkers); resolves with what came back within `ms`.
 */
function tcpExchange(port: number, data: Uint8Array, ms = 400, greeting = false): Promise<Buffer> {
  return tcpUntil(port, data, () => false, ms, greeting, true);
}

/** A TCP exchange that waits for `until` to match what came back. */
function tcpUntil(
  port: number,
  data: Uint8Array,
  until: (b: Buffer) => boolean,
  ms = 5000,
  greeting = false,
  halfClose = false,
): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = net.connect({ host: '127.0.0.1', port });
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      resolve(Buffer.concat(chunks));
    };
    const timer = setTimeout(done, ms);
    s.on('data', (d) => {
      chunks.push(d);
      if (greeting && chunks.length === 1) send();
      else if (until(Buffer.concat(chunks))) done();
    });
    s.on('error', done);
    s.on('close', done);
    const send = () => (halfClose ? s.end(Buffer.from(data)) : s.write(Buffer.from(data)));
    s.on('connect', () => {
      if (!greeting) send();
    });
  });
}

function udpExchange(port: number, data: Uint8Array, ms = 300): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const done = (b?: Buffer) => {
      clearTimeout(timer);
      s.close();
      resolve(b);
    };
    const timer = setTimeout(() => done(undefined), ms);
    s.on('message', (m) => done(m));
    s.on('error', () => done(undefined));
    s.send(Buffer.from(data), port, '127.0.0.1');
  });
}

const te = new TextEncoder();

function http(pathName: string, headers: Record<string, string>, body: Uint8Array): Uint8Array {
  const head =
    `POST ${pathName} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
    Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('') +
    `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

function smtpDialogue(rcpt: string, message: Uint8Array): Uint8Array {
  return Buffer.concat([
    Buffer.from(
      `EHLO fuzz.example\r\nMAIL FROM:<fuzz@other.example>\r\nRCPT TO:<${rcpt}>\r\nDATA\r\n`,
      'latin1',
    ),
    message,
    Buffer.from('\r\n.\r\nQUIT\r\n', 'latin1'),
  ]);
}

function enumQuery(id: number, msisdn = '+15550001', tcp = false): Uint8Array {
  const name = `${msisdn.replace(/\D/g, '').split('').reverse().join('.')}.e164.arpa`;
  const q = encodeDnsMessage({
    id,
    flags: { qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, z: 0, rcode: 0 },
    questions: [{ name, type: 35, class: 1 }],
    answers: [],
    authorities: [],
    additionals: [],
  });
  if (!tcp) return q;
  const out = new Uint8Array(q.length + 2);
  out[0] = q.length >> 8;
  out[1] = q.length & 0xff;
  out.set(q, 2);
  return out;
}

interface ServerCase {
  name: string;
  /** What a mutated input is made from. */
  seeds: Uint8Array[];
  /** Sends one (mutated) input. */
  send(input: Uint8Array): Promise<boolean>;
  /** An ordinary request; true when the server answered it as it should. */
  healthy(): Promise<boolean>;
  /** What the failed health check saw. */
  detail?: () => string;
  proc: Proc;
}

const statusLine = (b: Buffer) => /^HTTP\/1\.[01] \d{3} /.test(b.toString('latin1'));

function cases(mmsc: Proc, peers: Proc): ServerCase[] {
  const mm1 = urlOf(mmsc, 'MM1');
  const mm7 = urlOf(mmsc, 'MM7');
  const mm4 = urlOf(mmsc, 'MM4');
  const mm3 = urlOf(mmsc, 'MM3');
  const smsc = urlOf(peers, 'smsc');
  const dns = urlOf(peers, 'hlr');
  const ppg = urlOf(peers, 'ppg');
  const sendReq = encodeMms(
    buildPdu(
      'm-send-req',
      {
        'X-Mms-Transaction-ID': 'fuzz-1',
        'X-Mms-MMS-Version': '1.3',
        From: { insertAddress: true },
        To: '+15550002/TYPE=PLMN',
        'Content-Type': { mediaType: 'text/plain', params: [] },
      } as never,
      te.encode('hello'),
    ),
  );
  const mm1Seeds = [
    http(
      mm1.pathname,
      { 'Content-Type': 'application/vnd.wap.mms-message', 'X-MSISDN': '+15550001' },
      sendReq,
    ),
    Buffer.from(`GET ${mm1.pathname}/abc HTTP/1.1\r\nHost: x\r\nX-MSISDN: +15550001\r\n\r\n`, 'latin1'),
  ];
  const submit = encodeMm7(
    {
      type: 'SubmitReq',
      transactionId: 'fuzz',
      version: 'REL-6-MM7-1-4',
      fields: { MM7Version: '6.8.0', Recipients: { To: mm7Address('+15550002') }, Subject: 'fuzz' },
      content: mimePart('text/plain', 'hello'),
    },
    { boundary: 'bb' },
  );
  const mm7Seeds = [
    http(mm7.pathname, { 'Content-Type': submit.contentType, SOAPAction: '""' }, submit.body),
  ];
  const mm4Mail = encodeMm4(
    buildMm4(
      'MM4_forward.REQ',
      {
        'X-Mms-3GPP-MMS-Version': '6.16.0',
        'X-Mms-Transaction-ID': 't1',
        'X-Mms-Message-ID': 'm1@other.example',
        Sender: 'fuzz@other.example',
        From: '+15559999/TYPE=PLMN@other.example',
        To: '+15550002/TYPE=PLMN@mms.example',
        Date: 'Sun, 22 Nov 2026 02:58:52 +0000',
        Subject: 'fuzz',
      },
      mimePart('text/plain', 'hello'),
    ),
  );
  const plainMail = te.encode(
    'From: a@other.example\r\nTo: +15550002@mms.example\r\nSubject: hi\r\n\r\nhello\r\n',
  );
  const smtpCase = (name: string, port: number, seeds: Uint8Array[]): ServerCase => ({
    name,
    proc: mmsc,
    seeds,
    send: async (input) => (await tcpExchange(port, input, 600, true)).length > 0,
    healthy: async () => {
      const b = await tcpUntil(
        port,
        te.encode('EHLO x\r\n'),
        (x) => /\r\n250 /.test(x.toString('latin1')),
        5000,
        true,
      );
      return /^220[\s\S]*\r\n250 /.test(b.toString('latin1'));
    },
  });
  const bind = new smpp.PDU('bind_transceiver', {
    system_id: 'fuzz',
    password: 'x',
    sequence_number: 1,
  }).toBuffer();
  const submitSm = new smpp.PDU('submit_sm', {
    sequence_number: 2,
    source_addr: '1234',
    destination_addr: '+15550001',
    short_message: 'hi',
  }).toBuffer();
  // PAP 2.0 push-message: multipart/related, the control entity first, then the content (WAP-247 §8)
  const papBoundary = 'fuzzpap';
  const papPush = http(
    ppg.pathname,
    { 'Content-Type': `multipart/related; boundary=${papBoundary}; type="application/xml"` },
    Buffer.concat([
      Buffer.from(
        `--${papBoundary}\r\nContent-Type: application/xml\r\n\r\n<?xml version="1.0"?>\r\n<pap>` +
          `<push-message push-id="fuzz-1"><address address-value="WAPPUSH=+15550001/TYPE=PLMN@ppg"/>` +
          `<quality-of-service delivery-method="unconfirmed"/></push-message></pap>\r\n` +
          `--${papBoundary}\r\nContent-Type: application/vnd.wap.mms-message\r\n` +
          `X-Wap-Application-Id: x-wap-application:mms.ua\r\n\r\n`,
        'latin1',
      ),
      encodeMms(
        buildPdu('m-notification-ind', {
          'X-Mms-Transaction-ID': 'fuzz-n',
          'X-Mms-MMS-Version': '1.3',
          'X-Mms-Message-Class': 'Personal',
          'X-Mms-Message-Size': 5,
          'X-Mms-Expiry': { relative: 3600 },
          'X-Mms-Content-Location': 'http://127.0.0.1/mms/x',
        } as never),
      ),
      Buffer.from(`\r\n--${papBoundary}--\r\n`, 'latin1'),
    ]),
  );
  let dnsId = 1;
  let lastSmpp = '';
  return [
    {
      name: 'mm1-http',
      proc: mmsc,
      seeds: mm1Seeds,
      send: async (input) => (await tcpExchange(Number(mm1.port), input)).length > 0,
      healthy: async () => statusLine(await tcpUntil(Number(mm1.port), mm1Seeds[0], statusLine)),
    },
    {
      name: 'mm7-http',
      proc: mmsc,
      seeds: mm7Seeds,
      send: async (input) => (await tcpExchange(Number(mm7.port), input)).length > 0,
      healthy: async () => statusLine(await tcpUntil(Number(mm7.port), mm7Seeds[0], statusLine)),
    },
    smtpCase('mm4-smtp', Number(mm4.port), [smtpDialogue('+15550002/TYPE=PLMN@mms.example', mm4Mail)]),
    smtpCase('mm3-smtp', Number(mm3.port), [smtpDialogue('+15550002@mms.example', plainMail)]),
    {
      name: 'smpp',
      proc: peers,
      seeds: [Buffer.concat([bind, submitSm]), bind],
      send: async (input) => (await tcpExchange(Number(smsc.port), input)).length > 0,
      healthy: async () => {
        const b = await tcpUntil(
          Number(smsc.port),
          bind,
          (x) => x.length >= 16 && x.length >= x.readUInt32BE(0),
        );
        lastSmpp = b.toString('hex').slice(0, 80);
        return b.length >= 16 && b.readUInt32BE(4) === 0x80000009;
      },
      detail: () => `bind answered '${lastSmpp}'`,
    },
    {
      name: 'ppg-http',
      proc: peers,
      seeds: [papPush],
      send: async (input) => (await tcpExchange(Number(ppg.port), input)).length > 0,
      healthy: async () => statusLine(await tcpUntil(Number(ppg.port), papPush, statusLine)),
    },
    {
      name: 'dns-udp',
      proc: peers,
      seeds: [enumQuery(7), enumQuery(8, '+15559999')],
      send: async (input) => (await udpExchange(Number(dns.port), input, 150)) !== undefined,
      healthy: async () => {
        const id = 0x4000 + (dnsId++ & 0xfff);
        const b = await udpExchange(Number(dns.port), enumQuery(id), 2000);
        return b !== undefined && b.length >= 12 && b.readUInt16BE(0) === id && (b[2] & 0x80) !== 0;
      },
    },
    {
      name: 'dns-tcp',
      proc: peers,
      seeds: [enumQuery(9, '+15550001', true)],
      send: async (input) => (await tcpExchange(Number(dns.port), input, 300)).length > 0,
      healthy: async () => {
        const b = await tcpUntil(
          Number(dns.port),
          enumQuery(10, '+15550001', true),
          (x) => x.length >= 2 && x.length >= 2 + x.readUInt16BE(0),
        );
        return b.length >= 14 && b.readUInt16BE(2) === 10 && (b[4] & 0x80) !== 0;
      },
    },
  ];
}

const DICT = [
  '\r\n',
  '\r\n\r\n',
  ': ',
  'Content-Length: 999999\r\n',
  'Transfer-Encoding: chunked\r\n',
  '\x00',
  '\xff',
  '%',
  '../',
  '\r\n.\r\n',
  'RCPT TO:<a@b>\r\n',
  'BDAT 10\r\n',
  '\xc0\x0c',
  '.',
  '..',
];

/** Saves the inputs sent since the last healthy check, for the record (a server crash is fixed where it is). */
function saveServerInputs(name: string, inputs: Uint8Array[], why: string): string {
  const dir = path.join(REGRESSIONS_DIR, 'servers', name);
  mkdirSync(dir, { recursive: true });
  for (const b of inputs) writeFileSync(path.join(dir, `${inputId(b)}.bin`), b);
  writeFileSync(
    path.join(dir, `last-failure.txt`),
    `${why}\n${inputs.length} input(s) since the last healthy check\n`,
  );
  return path.relative(process.cwd(), dir);
}

export async function fuzzServers(o: ServerFuzzOptions): Promise<ServerFuzzResult> {
  const log = o.log ?? (() => undefined);
  const maxMs = o.maxMs ?? 120_000;
  const checkEvery = o.checkEvery ?? 100;
  const result: ServerFuzzResult = { servers: [], failures: [], misses: [] };
  const misses = result.misses;
  log(`servers: starting the reference MMSC and the peers (SMSC, HLR, PPG) on ephemeral loopback ports`);
  const peers = await startCli(
    ['peers', '--only', 'smsc,hlr,ppg', ...(o.peerEvents ? ['--events', o.peerEvents] : [])],
    4,
  );
  const mmsc = await startCli(['serve'], 5).catch(async (e) => {
    peers.child.kill('SIGTERM');
    throw e;
  });
  try {
    for (const c of cases(mmsc, peers)) {
      if (o.only && !o.only.includes(c.name)) continue;
      if (c.proc.child.exitCode !== null) {
        result.failures.push(`${c.name}: its process is gone`);
        continue;
      }
      const r = seededRng(o.seed ^ c.name.length);
      const ctx = {
        corpus: c.seeds,
        dictionary: DICT.map((t) => new Uint8Array(Buffer.from(t, 'latin1'))),
        maxLen: 64 * 1024,
      };
      const t0 = performance.now();
      if (!(await c.healthy())) {
        result.failures.push(`${c.name}: did not answer an ordinary request before fuzzing`);
        result.servers.push({
          name: c.name,
          inputs: 0,
          perSecond: 0,
          answered: 0,
          ok: false,
          note: 'not healthy at start',
        });
        continue;
      }
      let sent = 0;
      let answered = 0;
      let ok = true;
      let note: string | undefined;
      let since: Uint8Array[] = [];
      let firstMiss = '';
      while (sent < o.inputs && performance.now() - t0 < maxMs) {
        // a few connections in flight at once
        const batch = Array.from({ length: Math.min(8, o.inputs - sent) }, () =>
          r() < 0.1
            ? c.seeds[Math.floor(r() * c.seeds.length)]
            : mutateBytes(c.seeds[Math.floor(r() * c.seeds.length)], r, ctx),
        );
        since.push(...batch);
        const answers = await Promise.all(batch.map((b) => c.send(b)));
        answered += answers.filter(Boolean).length;
        sent += batch.length;
        if (sent % checkEvery < batch.length || sent >= o.inputs) {
          const up = c.proc.child.exitCode === null && c.proc.child.signalCode === null;
          // an ordinary request, tried up to 3 times (a loaded host can drop one)
          let healthy = false;
          for (let k = 0; k < 3 && up && !healthy; k++) {
            if (k > 0) await new Promise((res) => setTimeout(res, 500));
            healthy = await c.healthy();
            if (!healthy && k === 0) firstMiss = c.detail?.() ?? 'no answer';
          }
          if (healthy && firstMiss) {
            misses.push(`${c.name}: ${firstMiss}`);
            firstMiss = '';
          }
          if (!healthy) {
            ok = false;
            note = up
              ? `stopped answering ordinary requests${c.detail ? ` (${c.detail()})` : ''}`
              : `process died (${c.proc.stderr.join('').slice(-400)})`;
            const where = saveServerInputs(c.name, since, note);
            result.failures.push(`${c.name}: ${note}; inputs in ${where}`);
            break;
          }
          since = [];
        }
      }
      const perSecond = Math.round((sent / (performance.now() - t0)) * 1000);
      result.servers.push({ name: c.name, inputs: sent, perSecond, answered, ok, note });
      log(
        `servers: ${c.name}: ${sent} inputs, ${perSecond}/s, ${answered} answered, ${ok ? 'still serving' : `FAILED: ${note}`}`,
      );
      if (!ok && c.proc.child.exitCode !== null) break; // the rest of that process's servers are gone
    }
  } finally {
    for (const p of [mmsc, peers]) if (p.child.exitCode === null) p.child.kill('SIGTERM');
  }
  return result;
}
