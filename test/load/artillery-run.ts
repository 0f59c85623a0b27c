import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkFlowCounters } from '../support/artillery-report.ts';

/**
 * `npm run test:artillery` (run by .ci/run after `npm run artillery:install`): the documented
 * example, examples/load/artillery-mms.yml, under `artillery run` (Artillery 2.0.34 from
 * tools/artillery, the mmscert engine, the embedded reference MMSC started in its worker): every
 * flow kind it names must succeed, each one counted and measured (test/support/artillery-report.ts).
 *
 * Then the same run against the reference MMSC with a deviation that breaks the MT flows on the
 * wire (m-notification-ind without X-Mms-Content-Location, OMA-TS-MMS_ENC-V1_3 §7.3.8: the
 * handset has nothing to retrieve): the check must fail there, or this test could not fail.
 * Not part of `npm test` (Artillery is not in the project's node_modules, and each run costs
 * ~20-40 s of start-up and phases on a loaded 2-core machine).
 */

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'tools/artillery/node_modules/.bin/artillery');
const example = path.join(root, 'examples/load/artillery-mms.yml');
const KINDS = ['mm1-mt', 'mm7-submit', 'mm4-in', 'mm4-out'];

if (!existsSync(bin)) {
  console.error(`artillery-run: ${bin} is missing: run \`npm run artillery:install\` first`);
  process.exit(1);
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-artillery-'));

function run(label: string, overrides?: object): { problems: string[]; seconds: number } {
  const out = path.join(dir, `${label}.json`);
  const args = [
    'run',
    '--output',
    out,
    ...(overrides ? ['--overrides', JSON.stringify(overrides)] : []),
    example,
  ];
  const t0 = performance.now();
  const r = spawnSync(bin, args, { cwd: root, encoding: 'utf8', timeout: 180_000 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0 || !existsSync(out)) {
    console.error(r.stdout, r.stderr);
    return { problems: [`artillery run exited ${r.status ?? r.signal}`], seconds };
  }
  const report = JSON.parse(readFileSync(out, 'utf8')) as {
    aggregate?: { counters?: Record<string, number> };
  };
  const counters = Object.entries(report.aggregate?.counters ?? {})
    .filter(
      ([k]) =>
        k.startsWith('mmscert.') ||
        k.startsWith('vusers.c') ||
        k.startsWith('vusers.f') ||
        k.startsWith('errors.'),
    )
    .map(([k, v]) => `${k}=${v}`);
  console.log(`artillery-run ${label} (${seconds.toFixed(1)} s): ${counters.join(' ')}`);
  return { problems: checkFlowCounters(report, { kinds: KINDS }), seconds };
}

let failed = false;
try {
  const good = run('conforming');
  if (good.problems.length > 0) {
    failed = true;
    console.error(`artillery-run: FAIL against the reference MMSC:\n  ${good.problems.join('\n  ')}`);
  } else console.log('artillery-run: ok: every flow of the example succeeded and was measured');

  const bad = run('deviating', {
    config: {
      phases: [{ duration: 2, arrivalRate: 4 }],
      engines: { mmscert: { mmsc: { deviate: ['notification-no-content-location'] }, stepTimeoutMs: 2000 } },
    },
  });
  if (bad.problems.length === 0) {
    failed = true;
    console.error('artillery-run: FAIL: the check passed a run whose MT flows cannot succeed');
  } else
    console.log(`artillery-run: ok: the deviating MMSC is caught (${bad.problems.slice(0, 3).join('; ')})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
