import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * `npm run soak -- [--runs 20] [--hogs-per-core 2] [-- extra mmscert run args]`: the default full
 * run, N times in a row, beside CPU hogs (two busy-looping processes per core by default, as on a
 * shared CI runner). Prints one line per run (exit code, wall time, verdict counts, the cases that
 * were not pass/N/A) and a summary "green K/N". Exits 1 when any run was red. Not part of
 * `npm test` (it takes ~10 minutes for 20 runs): the figure it prints is the evidence that the
 * default run does not depend on an idle host (issue 15, item 5).
 */
const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
const own = sep < 0 ? argv : argv.slice(0, sep);
const extra = sep < 0 ? [] : argv.slice(sep + 1);
const opt = (name: string, dflt: number): number => {
  const i = own.indexOf(`--${name}`);
  const v = i < 0 ? dflt : Number(own[i + 1]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} wants a whole number`);
  return v;
};
const runs = opt('runs', 20);
const perCore = opt('hogs-per-core', 2);
const root = path.resolve(import.meta.dirname, '..');

const hogs = Array.from({ length: perCore * os.availableParallelism() }, () =>
  spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }),
);
const stopHogs = (): void => {
  for (const h of hogs) h.kill('SIGKILL');
};
process.on('exit', stopHogs);
process.on('SIGINT', () => process.exit(130));

interface CaseLine {
  id: string;
  verdict: string;
  failure?: { label?: string; message?: string };
}
const tmp = mkdtempSync(path.join(os.tmpdir(), 'mmscert-soak-'));
let green = 0;
const redCases = new Map<string, number>();
console.log(`soak: ${runs} runs beside ${hogs.length} CPU hogs on ${os.availableParallelism()} cores`);
for (let i = 1; i <= runs; i++) {
  const dir = path.join(tmp, `run-${i}`);
  const t0 = performance.now();
  const code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      ['bin/mmscert.js', 'run', '--report-dir', dir, '--reporter', 'json', ...extra],
      { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    child.on('exit', (c) => resolve(c ?? 1));
  });
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  const counts = new Map<string, number>();
  const bad: string[] = [];
  const reasons: string[] = [];
  try {
    const results = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as {
      cases?: CaseLine[];
    };
    for (const c of results.cases ?? []) {
      counts.set(c.verdict, (counts.get(c.verdict) ?? 0) + 1);
      if (c.verdict !== 'pass' && c.verdict !== 'not-applicable') {
        bad.push(`${c.id}=${c.verdict}`);
        reasons.push(`    ${c.id}: ${c.failure?.label ?? ''} ${c.failure?.message ?? ''}`.slice(0, 400));
        redCases.set(c.id, (redCases.get(c.id) ?? 0) + 1);
      }
    }
  } catch (e) {
    bad.push(`(no results.json: ${(e as Error).message})`);
  }
  if (code === 0) green++;
  const summary = [...counts].map(([v, n]) => `${v} ${n}`).join(', ');
  console.log(
    `run ${i}/${runs}: exit ${code}, ${secs} s, ${summary}${bad.length ? ` — ${bad.join(' ')}` : ''}`,
  );
  for (const r of reasons) console.log(r);
  rmSync(dir, { recursive: true, force: true });
}
rmSync(tmp, { recursive: true, force: true });
stopHogs(); // the hogs are children: left running, they would keep this process alive
console.log(`soak: green ${green}/${runs}`);
for (const [id, n] of [...redCases].sort((a, b) => b[1] - a[1]))
  console.log(`  ${id}: not green in ${n} run(s)`);
process.exitCode = green === runs ? 0 : 1;
