/**
 * Test support for the tshark oracle tests: where ../shared/tools is, whether tshark is installed,
 * a skip note a user can act on, and the two ways the tests ask Wireshark: pcap-check.sh's verdict
 * and `tshark -T fields`. Nothing here judges; the tests compare.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
/** The shared checkout beside the repo (never copied in: its licences differ). */
export const sharedDir = path.resolve(repoRoot, '../shared');
export const toolsDir = path.join(sharedDir, 'tools');

export const haveTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;

/**
 * True when tshark and every named tool of shared/tools exist; otherwise prints, once per test file,
 * why `label`'s oracle tests are skipped and how to get them to run.
 */
export function tsharkOracleReady(label: string, tools: readonly string[] = []): boolean {
  const missing = tools.map((t) => path.join(toolsDir, t)).filter((f) => !existsSync(f));
  if (!haveTshark) console.warn(`${label}: SKIPPED, tshark is not installed (apt-get install tshark)`);
  if (missing.length)
    console.warn(`${label}: SKIPPED, ${missing.join(', ')} not found (../shared beside the repo is absent)`);
  return haveTshark && missing.length === 0;
}

/** Checksum validation on, so a wrong IP/TCP/UDP checksum in our framing is an expert error. */
export const CHECKSUMS: readonly string[] = [
  '-o',
  'ip.check_checksum:TRUE',
  '-o',
  'tcp.check_checksum:TRUE',
  '-o',
  'udp.check_checksum:TRUE',
];

/**
 * shared/tools/pcap-check.sh: status 0 when every `required` protocol is dissected and there is no
 * malformed frame nor expert error (with `warnings`, the default, warnings count too). `decodeAs`
 * entries are tshark `-d` values ('tcp.port==2775,smpp').
 */
export function pcapCheck(
  file: string,
  required: readonly string[],
  decodeAs: readonly string[] = [],
  opts: { warnings?: boolean; checksums?: boolean } = {},
): { status: number; out: string } {
  const args = [
    ...(opts.warnings === false ? [] : ['-w']),
    ...required.flatMap((p) => ['-p', p]),
    file,
    '--',
    ...(opts.checksums === false ? [] : CHECKSUMS),
    ...decodeAs.flatMap((d) => ['-d', d]),
  ];
  const r = spawnSync('bash', [path.join(toolsDir, 'pcap-check.sh'), ...args], { encoding: 'utf8' });
  const err = r.stderr
    .split('\n')
    .filter((l) => l && !l.includes('Running as user'))
    .join('\n');
  return { status: r.status ?? -1, out: r.stdout + err };
}

/**
 * `tshark -n -2 -T fields`: one array of columns per frame matching `filter`; the occurrences of one
 * field stay joined by `aggregator` ('|' unless told). Throws when tshark fails.
 */
export function tsharkFields(
  file: string,
  filter: string,
  names: readonly string[],
  opts: { decodeAs?: readonly string[]; aggregator?: string } = {},
): string[][] {
  const args = ['-n', '-2', '-r', file, ...(opts.decodeAs ?? []).flatMap((d) => ['-d', d])];
  args.push('-Y', filter, '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a');
  args.push('-E', `aggregator=${opts.aggregator ?? '|'}`, ...names.flatMap((n) => ['-e', n]));
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}
