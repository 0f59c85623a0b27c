/**
 * Test support for the tshark oracle tests: where ../shared/tools is, whether tshark is installed,
 * a skip note a user can act on, and the two ways the tests ask Wireshark: pcap-check.sh's verdict
 * and `tshark -T fields`. Nothing here judges; the tests compare.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { haveTshark as haveTsharkHere, tsharkSync, tsharkText } from '../../src/wire/tshark.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
/** The shared checkout beside the repo (never copied in: its licences differ). */
export const sharedDir = path.resolve(repoRoot, '../shared');
export const toolsDir = path.join(sharedDir, 'tools');

/** Whether tshark runs here (asked once). */
export const haveTshark = haveTsharkHere();

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

/** tshark's `_ws.expert.severity` values: Error 0x800000, Warning 0x600000. */
export const SEVERITY_ERROR = 8388608;
export const SEVERITY_WARNING = 6291456;
/** The `-E aggregator=` that joins a field's occurrences in one tshark column (never in a value). */
export const AGGREGATE = '\u001f';

/**
 * The pcap verdict our oracle tests ask for, from tshark alone (no ../shared needed): status 0 when
 * every `required` protocol is dissected somewhere and no frame is malformed nor carries an expert
 * error (nor, with `warnings`, the default, an expert warning); 1 on a malformed frame or expert
 * complaint; 3 when a required protocol never appears; 2 when tshark cannot read the file. The same
 * verdict as shared/tools/pcap-check.sh, reimplemented here so CI (tshark, no ../shared) runs it.
 * `decodeAs` entries are tshark `-d` values ('tcp.port==2775,smpp').
 */
export function pcapCheck(
  file: string,
  required: readonly string[],
  decodeAs: readonly string[] = [],
  opts: { warnings?: boolean; checksums?: boolean } = {},
): { status: number; out: string } {
  const args = ['-n', '-r', file, ...(opts.checksums === false ? [] : CHECKSUMS)];
  args.push(...decodeAs.flatMap((d) => ['-d', d]), '-T', 'fields', '-E', 'separator=/t');
  args.push('-E', 'occurrence=a', '-E', `aggregator=${AGGREGATE}`);
  const fields = [
    'frame.number',
    'frame.protocols',
    '_ws.expert.severity',
    '_ws.expert.message',
    '_ws.malformed',
  ];
  for (const f of fields) args.push('-e', f);
  const r = tsharkSync(args);
  if (r.status !== 0) return { status: 2, out: `tshark failed: ${r.stderr}` };
  const seen = new Set<string>();
  const complaints: string[] = [];
  const floor = opts.warnings === false ? SEVERITY_ERROR : SEVERITY_WARNING;
  let frames = 0;
  let malformed = 0;
  for (const line of r.stdout.split('\n')) {
    if (!line) continue;
    frames += 1;
    const [num = '', protocols = '', sevs = '', msgs = '', malformedField = ''] = line.split('\t');
    const layers = protocols.split(':');
    for (const p of layers) seen.add(p);
    const messages = msgs.split(AGGREGATE);
    const bad = sevs
      .split(AGGREGATE)
      .flatMap((v, i) => (v !== '' && Number(v) >= floor ? [messages[i] ?? '?'] : []));
    // tshark 4.0 adds the malformed marker after frame.protocols is filled in (a dissector
    // exception), so it shows as the `_ws.malformed` field; either one counts the frame. The
    // verdict does not change with it: such a frame also carries the "Malformed Packet" expert error.
    if (layers.includes('_ws.malformed') || malformedField !== '') malformed += 1;
    if (layers.includes('_ws.malformed') && !bad.some((m) => /Malformed/i.test(m)))
      bad.push('Malformed Packet');
    if (bad.length > 0) complaints.push(`frame ${num}: ${bad.join('; ')}`);
  }
  const missing = required.filter((p) => !seen.has(p));
  const summary = [
    `${frames} frames; malformed frames: ${malformed}; frames with expert complaints: ${complaints.length}`,
    `protocols: ${[...seen].sort().join(',')}`,
    ...complaints,
    ...(missing.length ? [`missing protocol(s): ${missing.join(', ')}`] : []),
  ].join('\n');
  if (complaints.length > 0)
    return { status: 1, out: `${summary}\nverdict: FAIL (malformed or expert complaints)` };
  if (missing.length > 0) return { status: 3, out: `${summary}\nverdict: FAIL (protocol missing)` };
  return { status: 0, out: `${summary}\nverdict: PASS` };
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
  return tsharkText(args, { maxBuffer: 64 * 1024 * 1024 })
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}
