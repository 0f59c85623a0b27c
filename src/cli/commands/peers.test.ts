import { type ChildProcess, spawn } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as smpp from 'smpp';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const bin = path.join(repoRoot, 'bin/mmscert.js');
const dir = mkdtempSync(path.join(tmpdir(), 'mmscert-peers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): {
  child: ChildProcess;
  lines: string[];
  stderr: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d.toString();
    const parts = out.split('\n');
    out = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on('data', (d) => {
    err += d.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, stderr: () => err, exit };
}

describe('mmscert peers', () => {
  it('prints one line per endpoint, records observations as JSON lines, exits 0 on SIGTERM', async () => {
    const config = path.join(dir, 'peers.yaml');
    writeFileSync(
      config,
      [
        'seed: 7',
        'peers:',
        '  smsc: { systemId: mmsc, password: secret }',
        '  hlr:',
        '    subscribers: [{ msisdn: "+15550001", mcc: "310", mnc: "001" }]',
        '',
      ].join('\n'),
    );
    const events = path.join(dir, 'events.jsonl');
    const p = run(['peers', '--config', config, '--events', events]);
    try {
      await expect.poll(() => p.lines.length, { timeout: 20_000, interval: 100 }).toBe(3);
      expect(p.lines[0]).toMatch(/^smsc smpp:\/\/127\.0\.0\.1:\d+$/);
      expect(p.lines[1]).toMatch(/^hlr dns:\/\/127\.0\.0\.1:\d+ /);
      expect(p.lines[2]).toMatch(/^hlr http:\/\/127\.0\.0\.1:\d+\/hlr\/v1\/subscribers\/$/);
      const smscPort = Number(/:(\d+)$/.exec(p.lines[0])![1]);
      const dnsPort = Number(/:(\d+) /.exec(p.lines[1])![1]);
      const session = smpp.connect({ url: `smpp://127.0.0.1:${smscPort}` });
      session.on('error', () => undefined);
      const bind = await new Promise<smpp.PDU>((resolve) =>
        session.send(new smpp.PDU('bind_transceiver', { system_id: 'mmsc', password: 'secret' }), resolve),
      );
      expect(bind.command_status).toBe(0);
      const sub = await new Promise<smpp.PDU>((resolve) =>
        session.send(
          new smpp.PDU('submit_sm', { destination_addr: '15550001', short_message: Buffer.from('hi') }),
          resolve,
        ),
      );
      expect(sub.command_status).toBe(0);
      session.destroy();
      const resolver = new Resolver({ timeout: 2000, tries: 1 });
      resolver.setServers([`127.0.0.1:${dnsPort}`]);
      expect(await resolver.resolveNaptr('1.0.0.0.5.5.5.1.e164.arpa')).toHaveLength(1);
    } finally {
      p.child.kill('SIGTERM');
    }
    expect(await p.exit).toBe(0);
    const obs = readFileSync(events, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const submit = obs.find((o) => o.kind === 'message' && o.type === 'submit_sm');
    expect(submit).toMatchObject({
      node: 'smsc',
      iface: 'SMPP',
      direction: 'in',
      fields: { destination_addr: '15550001' },
    });
    expect(typeof submit.raw.$base64).toBe('string');
    expect(obs.some((o) => o.kind === 'bytes' && typeof o.raw.$base64 === 'string')).toBe(true);
    expect(obs.some((o) => o.kind === 'message' && o.type === 'NAPTR' && o.direction === 'out')).toBe(true);
  }, 60_000);

  it('answers a bad config with one line and exit 2, no stack trace', async () => {
    const cases: Array<[string, RegExp]> = [
      ['peers: { smsc: { port: 99999 } }', /^mmscert: smsc: port must be an integer 0\.\.65535\n$/],
      ['peers: { nosuch: {} }', /^mmscert: config .*unknown peer kind 'nosuch'/],
      ['peers: [1', /^mmscert: config .*:/],
      [
        'peers: { hlr: { domains: { "mms.mnc001.mcc310.gprs": "10.1.1.1" } } }',
        /only 127\.0\.0\.1 is allowed/,
      ],
    ];
    // in parallel: each CLI start loads every command module
    const runs = cases.map(([yaml], i) => {
      const file = path.join(dir, `bad${i}.yaml`);
      writeFileSync(file, yaml);
      return run(['peers', '--config', file]);
    });
    const only = run(['peers', '--only', 'smsc,bogus']);
    for (const [i, p] of runs.entries()) {
      expect(await p.exit).toBe(2);
      expect(p.stderr()).toMatch(cases[i][1]);
      expect(p.stderr().split('\n').filter(Boolean)).toHaveLength(1);
    }
    expect(await only.exit).toBe(2);
    expect(only.stderr()).toMatch(/unknown peer kind 'bogus'/);
  }, 90_000);
});
