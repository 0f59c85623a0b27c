import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * `npx tsx bench/compare-verdicts.ts BEFORE... -- AFTER...`: the verdicts (case id -> verdict) of
 * seeded runs made before and after a change (report directories or their results.json), to
 * show a refactor left them unchanged. Prints, for the first run of each side, how many cases
 * have the same verdict and which differ; with several runs a side, a case is called changed
 * only when every run of one side agrees on a verdict no run of the other side gave (a case
 * whose verdict varies between runs of the same side is timing noise of a loaded host, listed
 * apart). Exit 1 when a case changed, or the two sides ran other cases.
 */

type Verdicts = Map<string, string>;

export function readVerdicts(where: string): Verdicts {
  const file = existsSync(where) && statSync(where).isDirectory() ? path.join(where, 'results.json') : where;
  const run = JSON.parse(readFileSync(file, 'utf8')) as { cases: { id: string; verdict: string }[] };
  return new Map(run.cases.map((c) => [c.id, c.verdict]));
}

export interface VerdictComparison {
  cases: number;
  /** Same verdict in the first run of each side. */
  same: number;
  /** Differ between the first runs of each side: id, before, after. */
  differ: { id: string; before: string; after: string }[];
  /** Every run of a side agrees, the other side never gave that verdict. */
  changed: { id: string; before: string[]; after: string[] }[];
  /** The verdict varies between runs of one side (host timing). */
  noisy: { id: string; before: string[]; after: string[] }[];
  onlyBefore: string[];
  onlyAfter: string[];
}

export function compareVerdicts(before: readonly Verdicts[], after: readonly Verdicts[]): VerdictComparison {
  const [b0, a0] = [before[0], after[0]];
  const ids = [...b0.keys()];
  const out: VerdictComparison = {
    cases: ids.length,
    same: 0,
    differ: [],
    changed: [],
    noisy: [],
    onlyBefore: ids.filter((id) => !a0.has(id)),
    onlyAfter: [...a0.keys()].filter((id) => !b0.has(id)),
  };
  for (const id of ids) {
    if (!a0.has(id)) continue;
    if (b0.get(id) === a0.get(id)) out.same++;
    else out.differ.push({ id, before: b0.get(id) ?? '', after: a0.get(id) ?? '' });
    const bs = before.map((v) => v.get(id) ?? 'missing');
    const as = after.map((v) => v.get(id) ?? 'missing');
    if (new Set([...bs, ...as]).size === 1) continue;
    const stable = new Set(bs).size === 1 && new Set(as).size === 1;
    (stable ? out.changed : out.noisy).push({ id, before: bs, after: as });
  }
  return out;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const args = process.argv.slice(2);
  const sep = args.indexOf('--');
  if (sep < 1 || sep === args.length - 1) {
    process.stderr.write('usage: compare-verdicts.ts BEFORE... -- AFTER... (report dirs or results.json)\n');
    process.exit(2);
  }
  const c = compareVerdicts(args.slice(0, sep).map(readVerdicts), args.slice(sep + 1).map(readVerdicts));
  process.stdout.write(`${c.cases} cases: ${c.same} same verdict in the first run of each side\n`);
  for (const d of c.differ) process.stdout.write(`  differs: ${d.id} ${d.before} -> ${d.after}\n`);
  for (const d of c.noisy)
    process.stdout.write(
      `  noisy:   ${d.id} before [${d.before.join(', ')}] after [${d.after.join(', ')}]\n`,
    );
  for (const d of c.changed)
    process.stdout.write(
      `  CHANGED: ${d.id} before [${d.before.join(', ')}] after [${d.after.join(', ')}]\n`,
    );
  if (c.onlyBefore.length + c.onlyAfter.length > 0)
    process.stdout.write(
      `  only before: ${c.onlyBefore.join(', ')}; only after: ${c.onlyAfter.join(', ')}\n`,
    );
  process.stdout.write(
    `${c.changed.length} changed, ${c.noisy.length} noisy, ${c.onlyBefore.length + c.onlyAfter.length} not in both\n`,
  );
  process.exit(c.changed.length + c.onlyBefore.length + c.onlyAfter.length > 0 ? 1 : 0);
}
