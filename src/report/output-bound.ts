import { gzipSync } from 'node:zlib';
import type { CaseResult } from '../harness/run-result.ts';
import type { RenderedCase } from './render-case.ts';

/** `mmscert run`'s default bound of a run's report directory (`--max-output`), under `--evidence failing`. */
export const DEFAULT_MAX_OUTPUT = 10_000_000;

/**
 * What the files written at the end cost per case (report.html's row and grid cell, junit.xml's
 * testcase, coverage.md's line, results.json's separator), measured on a full run: ~1.7 kB. The
 * bound keeps this much room per case, plus RUN_FILES for their fixed parts.
 */
const PER_CASE_RUN_FILES = 2_048;
const RUN_FILES = 128_000;
/** A case without evidence, until one was seen (results.json entry + page, measured: ~8 kB). */
const FIRST_GUESS_LIGHT_CASE = 12_000;

function size(b: Uint8Array | null | undefined): number {
  return b ? b.byteLength : 0;
}

/**
 * Keeps a run's report directory under `maxBytes` as its cases arrive. Every case's verdict,
 * steps and findings are always written (a report never loses a verdict); what the bound refuses
 * is a failing case's evidence (capture, observations, sequence diagram) once keeping it would
 * leave too little room for the cases still to come and the run's own files. The first failures
 * keep their evidence; later ones say on their page that the bound was reached.
 */
export class OutputBound {
  /** Bytes of the case files accounted so far, plus what their captures add to run.pcapng.gz. */
  private used = RUN_FILES;
  private seen = 0;
  private lightBytes = 0;
  private lightCases = 0;
  /** Cases whose evidence the bound refused, in arrival order. */
  readonly dropped: string[] = [];

  constructor(
    readonly maxBytes: number,
    private readonly expectedCases: number,
  ) {}

  /** A case without evidence, as its files are now on average. */
  private lightCase(): number {
    return this.lightCases > 0 ? this.lightBytes / this.lightCases : FIRST_GUESS_LIGHT_CASE;
  }

  private cost(r: RenderedCase): number {
    // a kept capture is written as <id>.pcapng and again, gzipped, inside run.pcapng.gz
    const gz = r.pcapng ? gzipSync(r.pcapng, { level: 1 }).byteLength : 0;
    return size(r.json) + size(r.page) + size(r.pcapng) + gz + PER_CASE_RUN_FILES;
  }

  /**
   * Whether the case may be written as rendered. A case without evidence always is (and counts);
   * one with evidence only when the bound still has room for it and for the cases to come. When
   * refused, the caller renders it without evidence and calls account() with that.
   */
  admit(c: CaseResult, r: RenderedCase): boolean {
    // a case keeping its evidence (its observations may already have stayed in its lane)
    if (c.evidenceOmitted) {
      this.account(r);
      return true;
    }
    const cost = this.cost(r);
    const toCome = Math.max(0, this.expectedCases - this.seen - 1);
    if (this.used + cost + toCome * (this.lightCase() + PER_CASE_RUN_FILES) > this.maxBytes) {
      this.dropped.push(c.id);
      return false;
    }
    this.used += cost;
    this.seen++;
    return true;
  }

  /** A case written without evidence. */
  account(r: RenderedCase): void {
    const cost = this.cost(r);
    this.used += cost;
    this.lightBytes += cost - PER_CASE_RUN_FILES;
    this.lightCases++;
    this.seen++;
  }
}
