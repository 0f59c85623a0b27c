import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPeerKinds } from '../../src/harness/peer-kinds.ts';
import type { RunResult } from '../../src/harness/run-result.ts';
import { runSuites } from '../../src/harness/runner.ts';
import { loadSuites } from '../../src/harness/suite-loader.ts';
import { createTarget } from '../../src/harness/targets/create-target.ts';
import { writeReports } from '../../src/report/write-reports.ts';
import { pcapCheck } from './tshark.ts';

/**
 * Independent oracle for the MM7 / MM4 / MM3 suites: run cases against the embedded reference MMSC,
 * write each case's PCAPNG, and let Wireshark (tshark, through test/support pcapCheck: the
 * pcap-check.sh verdict on tshark alone, IP/TCP checksums validated) decode every recorded byte —
 * HTTP/SOAP/MIME for MM7, SMTP/IMF for MM4 and MM3 — requiring the given protocols and no
 * malformed packet or expert error. The test files gate on tsharkOracleReady (test/support).
 */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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

/**
 * tshark `-d` entries: tcp/2775 as SMPP (pcap-check.sh's default), and every HTTP / SMTP endpoint
 * of the case (the MMSC's and the peers') as its protocol — they listen on ephemeral ports.
 */
function decodeAs(c: RunResult['cases'][number]): string[] {
  const urls = c.peers.flatMap((p) => p.endpoints.map((e) => e.url));
  for (const o of c.timeline.observations) {
    if (o.kind === 'event' && o.name === 'mmsc-started') {
      const eps = (o.detail as { endpoints?: unknown } | undefined)?.endpoints;
      if (Array.isArray(eps)) for (const e of eps) urls.push(String(e).split(' ')[1] ?? '');
    }
  }
  const out = ['tcp.port==2775,smpp'];
  for (const u of urls) {
    const m = /^(http|smtp):\/\/[^:/]+:(\d+)/.exec(u);
    if (m) out.push(`tcp.port==${m[2]},${m[1]}`);
  }
  return out;
}

export interface PcapVerdict {
  id: string;
  code: number;
  output: string;
}

/**
 * pcapCheck on the case's PCAPNG, requiring `protocols`; code 0 = clean. Expert errors and
 * malformed frames fail, warnings do not (these callers used pcap-check.sh without -w).
 */
export function checkCasePcap(run: RunResult, dir: string, caseId: string, protocols: string[]): PcapVerdict {
  const c = run.cases.find((x) => x.id === caseId);
  if (!c?.pcapng) return { id: caseId, code: -1, output: 'no pcapng written' };
  const v = pcapCheck(path.join(dir, c.pcapng), protocols, decodeAs(c), { warnings: false });
  return { id: caseId, code: v.status, output: v.out };
}
