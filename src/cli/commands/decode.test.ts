import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPdu, encodeMms } from '../../codec/mms/index.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'mmscert-decode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], input?: Uint8Array) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/mmscert.js'), ...args], {
    cwd: root,
    input,
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

describe('mmscert decode / encode', () => {
  const pdu = buildPdu('m-notification-ind', {
    'X-Mms-Transaction-Id': 'T1',
    'X-Mms-Message-Class': 'Personal',
    'X-Mms-Message-Size': 1234,
    'X-Mms-Expiry': { relative: 86400 },
    'X-Mms-Content-Location': 'http://127.0.0.1/m/1',
    From: '+15550001/TYPE=PLMN',
    Subject: { charset: 'utf-8', text: 'Grüße' },
  });
  const bytes = encodeMms(pdu);
  const file = path.join(dir, 'n.mms');
  writeFileSync(file, bytes);

  it('prints the header list, then JSON that encode turns back into the same bytes', () => {
    const text = cli(['decode', file]);
    expect(text.code).toBe(0);
    expect(text.stdout.toString()).toContain('X-Mms-Message-Type: m-notification-ind\n');
    expect(text.stdout.toString()).toContain('Subject: Grüße (charset utf-8)');
    const json = cli(['decode', '--json', '-'], bytes);
    expect(json.code).toBe(0);
    writeFileSync(path.join(dir, 'n.json'), json.stdout);
    const enc = cli(['encode', path.join(dir, 'n.json'), '-o', path.join(dir, 'out.mms')]);
    expect(enc.code).toBe(0);
    expect(Buffer.from(readFileSync(path.join(dir, 'out.mms'))).equals(Buffer.from(bytes))).toBe(true);
  }, 120_000);

  it('malformed input: exit 1 and one line offset N: FIELD: reason', () => {
    const bad = cli(['decode', '--as', 'mms', '-'], bytes.subarray(0, 20));
    expect(bad.code).toBe(1);
    expect(
      bad.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('npm warn')),
    ).toEqual([expect.stringMatching(/^offset \d+: [\w-]+: .+$/)]);
    const unknown = cli(['decode', '--as', 'nope', file]);
    expect(unknown.code).toBe(2);
  }, 120_000);

  it.each([
    ['a hex stream (Wireshark "Copy as hex stream")', (h: string) => h],
    ['octets with spaces and a line break', (h: string) => `${h.match(/../g)?.join(' ')}\n`],
    ['octets with colons', (h: string) => h.match(/../g)?.join(':') ?? ''],
  ])('reads %s as well as binary', (_name, form) => {
    const hex = Buffer.from(bytes).toString('hex');
    const r = cli(['decode', '-'], new TextEncoder().encode(form(hex)));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.toString()).toContain('X-Mms-Message-Type: m-notification-ind\n');
  });
});
