import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeSelfCertificationFiles } from '../../src/harness/targets/self-certification.ts';
import { checkFlowCounters, flowLatencyLines } from '../support/artillery-report.ts';

/**
 * `npm run test:artillery`: the CI smoke test of `artillery run` with mmscert's engine (issue 21
 * item 2), not part of `npm test`.
 *
 * 0. Artillery 2.0.34 lives apart in tools/artillery (docs/load-artillery.md: why). Missing, it is
 *    installed here (`npm ci --prefix tools/artillery`; MMSCERT_ARTILLERY_DIR names another folder
 *    holding the same package.json and lock); if that fails (no registry, no disk), the
 *    test says SKIPPED with the reason and exits 0, or 1 when MMSCERT_ARTILLERY_REQUIRED=1.
 * 1. The reference MMSC as a separate OS process (`mmscert serve`, the self-certification files,
 *    fixed ports from MMSCERT_ARTILLERY_PORT_BASE, default 23240), an external target to the engine
 *    (`config:`), one Artillery worker (our peers' ports are fixed): the documented example
 *    examples/load/artillery-mms.yml at 3 virtual users/s for 10 s (30 flows). The JSON report must
 *    show every user created and completed, its flow succeeded and measured, no errors
 *    (test/support/artillery-report.ts). Artillery picks each user's scenario at random by weight:
 *    a kind of weight 1 in 8 is absent from 30 users 1.8% of the time, so only mm1-mt (weight 4 in
 *    8, absent 1e-9 of the time) must be there; the others must succeed whenever picked.
 * 2. The same example against the embedded reference MMSC started with a deviation that breaks the
 *    MT flows on the wire (its m-notification-ind has no X-Mms-Content-Location,
 *    OMA-TS-MMS_ENC-V1_3 §7.3.8 (a notification carries it): no handset can retrieve): the check
 *    must fail there, or this test could not fail.
 */

const root = path.resolve(import.meta.dirname, '../..');
const toolDir = path.resolve(root, process.env.MMSCERT_ARTILLERY_DIR ?? 'tools/artillery');
const bin = path.join(toolDir, 'node_modules/.bin/artillery');
const example = path.join(root, 'examples/load/artillery-mms.yml');
/** Kinds that must each have run (the example's other kinds may, by chance, not be picked). */
const KINDS = ['mm1-mt'];
const RATE = 3;
const SECONDS = 10;
const PORT_BASE = Number(process.env.MMSCERT_ARTILLERY_PORT_BASE ?? 23240);
const t0 = performance.now();
const since = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
const log = (s: string) => console.log(`artillery-run: ${s}`);

function skip(reason: string): never {
  const required = process.env.MMSCERT_ARTILLERY_REQUIRED === '1';
  console.error(
    `artillery-run: ${required ? 'FAIL' : 'SKIPPED'}: Artillery is not installed and could not be (${reason}); ` +
      `\`artillery run\` was NOT tested${required ? ' (MMSCERT_ARTILLERY_REQUIRED=1)' : ''}`,
  );
  process.exit(required ? 1 : 0);
}

function ensureArtillery(): void {
  if (existsSync(bin)) return;
  log(`Artillery missing: npm ci --prefix ${path.relative(root, toolDir) || '.'} (461 packages, ~460 MB)`);
  const r = spawnSync(
    'npm',
    // the flags of tools/artillery/.npmrc again: under `npm run`, npm_config_engine_strict=true of
    // the project's .npmrc reaches this npm through the environment and would win over that file
    [
      'ci',
      '--no-audit',
      '--no-fund',
      '--loglevel',
      'error',
      '--engine-strict=false',
      '--ignore-scripts',
      '--prefix',
      toolDir,
    ],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 15 * 60_000,
    },
  );
  if (r.status !== 0 || !existsSync(bin)) {
    const text = `${r.stdout ?? ''}\n${r.stderr ?? ''}\n${r.error ? String(r.error) : ''}`;
    const tail = text
      .split('\n')
      .map((l) => l.replace(/^npm (error|ERR!)\s*/, '').trim())
      .filter((l) => l && !/complete log of this run|npm help/.test(l))
      .slice(0, 3)
      .join(' | ');
    skip(`npm ci exited ${r.status ?? r.signal}: ${tail || 'no output'}`);
  }
  log(`Artillery installed (${since()})`);
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-artillery-'));

/** `artillery run` of the example with overrides; the problems the report shows. */
async function artilleryRun(
  label: string,
  overrides: object,
  users: number,
): Promise<{ problems: string[]; seconds: number }> {
  const out = path.join(dir, `${label}.json`);
  const args = ['run', '--output', out, '--overrides', JSON.stringify(overrides), example];
  const t = performance.now();
  const child = spawn(bin, args, { cwd: root, env: { ...process.env, WORKERS: '1' } });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr.on('data', (d: Buffer) => (text += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
  const code = await new Promise<number | string>((r) => child.once('close', (c, s) => r(c ?? s ?? '?')));
  clearTimeout(timer);
  const seconds = (performance.now() - t) / 1000;
  if (code !== 0 || !existsSync(out)) {
    console.error(text.slice(-4000));
    return { problems: [`artillery run exited ${code}${existsSync(out) ? '' : ', no report'}`], seconds };
  }
  const report = JSON.parse(readFileSync(out, 'utf8')) as {
    aggregate?: { counters?: Record<string, number> };
  };
  const counters = Object.entries(report.aggregate?.counters ?? {})
    .filter(([k]) => /^(mmscert\.|vusers\.(created|completed|failed)$|errors\.)/.test(k))
    .map(([k, v]) => `${k}=${v}`);
  log(`${label}: \`artillery run\` ${seconds.toFixed(1)} s; ${counters.join(' ')}`);
  for (const l of flowLatencyLines(report)) log(`  ${label} ${l}`);
  return { problems: checkFlowCounters(report, { kinds: KINDS, users }), seconds };
}

/** `mmscert serve` as certify-self starts it; resolves once it listens. */
async function startServe(mmscConfig: string): Promise<ChildProcess> {
  const serve = spawn(process.execPath, ['bin/mmscert.js', 'serve', '--config', mmscConfig], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  process.once('exit', () => serve.kill('SIGTERM'));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`mmscert serve did not listen in 60 s: ${out}`)), 60_000);
    const data = (d: Buffer) => {
      out += d.toString();
      if (/^store /m.test(out)) {
        clearTimeout(t);
        resolve();
      }
    };
    serve.stdout?.on('data', data);
    serve.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    serve.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`mmscert serve exited ${code}: ${out}`));
    });
  });
  return serve;
}

async function stop(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await exited;
}

ensureArtillery();
const failures: string[] = [];
try {
  // 1. the reference MMSC as a separate process, an external target
  const files = writeSelfCertificationFiles(dir, { portBase: PORT_BASE, storeDir: path.join(dir, 'store') });
  const serve = await startServe(files.mmscConfig);
  try {
    const good = await artilleryRun(
      'conforming',
      {
        config: {
          phases: [{ name: 'smoke', duration: SECONDS, arrivalRate: RATE }],
          engines: { mmscert: { config: files.targetConfig, stepTimeoutMs: 5000, recipients: 64 } },
        },
      },
      RATE * SECONDS,
    );
    if (good.problems.length > 0)
      failures.push(`against the reference MMSC (separate process):\n    ${good.problems.join('\n    ')}`);
    else log(`ok: ${RATE * SECONDS} flows against \`mmscert serve\`, each succeeded and measured`);
  } finally {
    await stop(serve);
  }

  // 2. a deviating embedded MMSC must be caught
  const bad = await artilleryRun(
    'deviating',
    {
      config: {
        phases: [{ duration: 2, arrivalRate: 4 }],
        engines: {
          mmscert: { mmsc: { deviate: ['notification-no-content-location'] }, stepTimeoutMs: 2000 },
        },
      },
    },
    8,
  );
  if (bad.problems.length === 0) failures.push('the check passed a run whose MT flows cannot succeed');
  else log(`ok: the deviating MMSC is caught (${bad.problems.slice(0, 2).join('; ')})`);
} catch (e) {
  failures.push(e instanceof Error ? e.message : String(e));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.error(`artillery-run: FAIL (${since()}):\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
log(
  `PASS (${since()} wall, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')})`,
);
process.exit(0);
