import { existsSync } from 'node:fs';
import path from 'node:path';
import pc from 'picocolors';
import type { LoadedCase } from '../harness/case-model.ts';
import type { CaseResult, RunResult } from '../harness/run-result.ts';

type Colors = ReturnType<typeof pc.createColors>;

export interface TerminalOut {
  write(s: string): unknown;
  isTTY?: boolean;
}

function verdictWord(c: CaseResult, k: Colors): string {
  if (c.known && c.verdict !== 'pass') return k.gray(`${c.verdict.toUpperCase()}*`);
  if (c.verdict === 'pass') return k.green('PASS ');
  if (c.verdict === 'error') return k.yellow('ERROR');
  if (c.verdict === 'inconclusive') return k.yellow('INCONC');
  if (c.verdict === 'not-applicable') return k.gray('N/A  ');
  return c.level === 'SHALL' ? k.red('FAIL ') : k.magenta(`FAIL(${c.level})`);
}

/**
 * Terminal progress and summary, one more subscriber of the runner: a single updating line on
 * a TTY, one plain line per finished case otherwise (CI logs).
 */
export class TerminalReporter {
  private done = 0;
  private readonly k: Colors;
  private readonly running = new Set<string>();
  private readonly counts: Record<CaseResult['verdict'], number> = {
    pass: 0,
    fail: 0,
    inconclusive: 0,
    'not-applicable': 0,
    error: 0,
  };

  constructor(
    private readonly out: TerminalOut,
    private readonly total: number,
    opts: { color?: boolean } = {},
  ) {
    this.k = pc.createColors(opts.color ?? Boolean(out.isTTY && pc.isColorSupported));
  }

  caseStart = (c: LoadedCase): void => {
    this.running.add(c.id);
    if (this.out.isTTY) this.redraw();
  };

  caseEnd = (r: CaseResult): void => {
    this.running.delete(r.id);
    this.done++;
    this.counts[r.verdict]++;
    if (this.out.isTTY) {
      if (r.verdict !== 'pass') this.out.write(`\r\x1b[2K${this.line(r)}\n`);
      this.redraw();
    } else {
      this.out.write(`${this.line(r)}\n`);
    }
  };

  private line(r: CaseResult): string {
    if (r.verdict === 'not-applicable')
      return `${verdictWord(r, this.k)} ${r.id} ${this.k.dim(r.title)}  ${this.k.dim(r.notApplicable?.reasons.join('; ') ?? '')}`;
    const where = r.failure
      ? this.k.dim(
          `  ${r.failure.source.file}:${r.failure.source.line}:${r.failure.source.col} ${r.failure.message}`,
        )
      : '';
    return `${verdictWord(r, this.k)} ${r.id} ${this.k.dim(r.title)} ${this.k.dim(`(${r.durationMs} ms)`)}${where}`;
  }

  private redraw(): void {
    const { pass, fail, error } = this.counts;
    const na = this.counts['not-applicable'];
    const inc = this.counts.inconclusive;
    const current = [...this.running].slice(0, 2).join(', ');
    this.out.write(
      `\r\x1b[2K[${this.done}/${this.total}] ${this.k.green(`${pass} pass`)} ${this.k.red(`${fail} fail`)} ${inc ? `${inc} inconc ` : ''}${na ? `${na} n/a ` : ''}${this.k.yellow(`${error} error`)} ${this.k.dim(current)}`,
    );
  }

  /** The closing summary: counts, failures graded apart, known failures, where the reports are. */
  summary(run: RunResult, reportDir?: string): string {
    const k = this.k;
    const s = run.summary;
    const lines: string[] = [];
    if (this.out.isTTY) lines.push('\r\x1b[2K');
    const bad = run.cases.filter((c) => c.verdict !== 'pass' && c.verdict !== 'not-applicable' && !c.known);
    const shall = bad.filter((c) => c.verdict === 'error' || (c.verdict === 'fail' && c.level === 'SHALL'));
    const robust = bad.filter((c) => c.verdict === 'fail' && c.level === 'ROBUSTNESS');
    const inconclusive = bad.filter((c) => c.verdict === 'inconclusive');
    const soft = bad.filter((c) => c.verdict === 'fail' && (c.level === 'SHOULD' || c.level === 'MAY'));
    const detail = (c: CaseResult) => {
      const f = c.failure;
      lines.push(`  ${verdictWord(c, k)} ${c.id} ${c.title}`);
      if (!f) return;
      lines.push(`      at ${f.label} (${f.source.file}:${f.source.line}:${f.source.col}): ${f.message}`);
      if (f.expected !== undefined) lines.push(`      expected: ${f.expected}`);
      if (f.observed !== undefined) lines.push(`      observed: ${JSON.stringify(f.observed).slice(0, 400)}`);
    };
    if (shall.length > 0) {
      lines.push(k.bold('Failures (SHALL) and errors:'));
      shall.forEach(detail);
    }
    if (robust.length > 0) {
      lines.push(k.bold('Failed robustness profile (mmscert, no specification; reported apart):'));
      robust.forEach(detail);
    }
    if (soft.length > 0) {
      lines.push(k.bold('Failed SHOULD / MAY (reported apart):'));
      soft.forEach(detail);
    }
    if (inconclusive.length > 0) {
      lines.push(
        k.bold('Inconclusive (the stimulus did not happen as meant; nothing said about the target):'),
      );
      inconclusive.forEach(detail);
    }
    const known = run.cases.filter((c) => c.known && c.verdict !== 'pass');
    if (known.length > 0) {
      lines.push(k.bold('Known failures:'));
      for (const c of known) lines.push(`  ${c.id}: ${c.known?.reason}`);
    }
    const fixed = run.cases.filter((c) => c.fixed);
    if (fixed.length > 0)
      lines.push(
        `Known failures that now pass (update the expectations file): ${fixed.map((c) => c.id).join(', ')}`,
      );
    const top = run.topCauses ?? [];
    if (top.length > 0) {
      lines.push(k.bold('Top causes (failed and inconclusive cases by first cause):'));
      for (const t of top.slice(0, 10))
        lines.push(`  ${t.cause} — ${t.count} case${t.count === 1 ? '' : 's'}`);
      if (top.length > 10) lines.push(k.dim(`  ${top.length - 10} more in results.json`));
    }
    lines.push(
      `${s.total} cases: ${k.green(`${s.pass} pass`)}, ${k.red(`${s.fail} fail`)} (SHALL ${s.failByLevel.SHALL}, SHOULD ${s.failByLevel.SHOULD}, MAY ${s.failByLevel.MAY}, robustness ${s.failByLevel.ROBUSTNESS}), ${s.inconclusive} inconclusive, ${s.notApplicable} not applicable, ${k.yellow(`${s.error} error`)}, ${s.known} known; ${s.unexpected === 0 ? k.green('no unexpected failure') : k.red(`${s.unexpected} unexpected`)} · seed ${run.seed} · ${run.durationMs} ms`,
    );
    if (reportDir)
      lines.push(
        `reports: ${reportDir}${existsSync(path.join(reportDir, 'report.html')) ? ` · open ${path.join(reportDir, 'report.html')}` : ''}`,
      );
    return `${lines.join('\n')}\n`;
  }
}
