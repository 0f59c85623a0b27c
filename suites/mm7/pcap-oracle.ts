import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RunResult } from '../../src/harness/run-result.ts';
import { loadPeerKinds } from '../../src/harness/peer-kinds.ts';
import { runSuites } from '../../src/harness/runner.ts';
import { loadSuites } from '../../src/harness/suite-loader.ts';
import { createTarget } from '../../src/harness/targets/create-target.ts';
import { writeReports } from '../../src/report/write-reports.ts';

/**
 * Independent oracle for the MM7 / MM4 suites: run cases against the embedded reference MMSC,
 * write each case's PCAPNG, and let Wireshark (tshark, through shared/tools/pcap-check.sh) decode
 * every recorded byte — HTTP/SOAP/MIME for MM7, SMTP/IMF for MM4 — requiring the given
 * protocols and no malformed packet or expert error.
 */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const pcapCheck = path.resolve(repoRoot, '../shared/tools/pcap-check.sh');

function haveTshark(): boolean {
  return ['/usr/bin/tshark', '/usr/local/bin/tshark'].some((p) => existsSync(p));
}

/** Why the oracle cannot run here, or undefined. */
export function oracleUnavailable(): string | undefined {
  if (!existsSync(pcapCheck)) return `${pcapCheck} absent (shared/tools not mounted)`;
  if (!haveTshark()) return 'tshark not installed';
  return undefined;
}

/** Runs the cases matching `suite` in `files` (relative to the repo) and writes their reports. */
export async function runCases(files: string[], suite: string): Promise<{ run: RunResult; dir: string }> {
  const loaded = await loadSuites({
    root: path.join(repoRoot, 'suites'),
    files: files.map((f) => path.join(repoRoot, f)),
    suite,
  });
  if (loaded.diagnostics.length > 0) throw new Error(JSON.stringify(loaded.diagnostics[0]));
  const run = await runSuites({
    cases: loaded.cases,
    target: createTarget(),
    peerKinds: await loadPeerKinds(),
    seed: 20261122,
    jobs: 2,
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'mmscert-oracle-'));
  await writeReports(run, dir, ['json']);
  return { run, dir };
}

/** `-P port:proto` for every HTTP / SMTP endpoint of the case (the MMSC's and the peers'). */
function decodeAs(c: RunResult['cases'][number]): string[] {
  const urls = c.peers.flatMap((p) => p.endpoints.map((e) => e.url));
  for (const o of c.timeline.observations) {
    if (o.kind === 'event' && o.name === 'mmsc-started') {
      const eps = (o.detail as { endpoints?: unknown } | undefined)?.endpoints;
      if (Array.isArray(eps)) for (const e of eps) urls.push(String(e).split(' ')[1] ?? '');
    }
  }
  const out: string[] = [];
  for (const u of urls) {
    const m = /^(http|smtp):\/\/[^:/]+:(\d+)/.exec(u);
    if (m) out.push('-P', `${m[2]}:${m[1]}`);
  }
  return out;
}

export interface PcapVerdict {
  id: string;
  code: number;
  output: string;
}

/** pcap-check.sh on the case's PCAPNG, requiring `protocols`; exit code 0 = clean. */
export async function checkCasePcap(
  run: RunResult,
  dir: string,
  caseId: string,
  protocols: string[],
): Promise<PcapVerdict> {
  const c = run.cases.find((x) => x.id === caseId);
  if (!c?.pcapng) return { id: caseId, code: -1, output: 'no pcapng written' };
  const args = ['-q', ...protocols.flatMap((p) => ['-p', p]), ...decodeAs(c), path.join(dir, c.pcapng)];
  try {
    const { stdout } = await promisify(execFile)(pcapCheck, args, { timeout: 60_000 });
    return { id: caseId, code: 0, output: stdout.trim() };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { id: caseId, code: err.code ?? -1, output: `${err.stdout ?? ''}${err.stderr ?? ''}`.trim() };
  }
}
