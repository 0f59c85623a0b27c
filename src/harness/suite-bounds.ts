/**
 * Bounds on what a suite file may ask of the loader, checked before the YAML parser sees it: a
 * hostile or broken file (50 MB, a million nested `[`, an alias bomb, a case id that is a path)
 * gets one `file:line:col: message` diagnostic instead of minutes of CPU, gigabytes of memory, a
 * stack overflow or a report file written outside its folder.
 */

/** Largest suite file read, octets (MMSCERT_MAX_SUITE_BYTES overrides). */
export const DEFAULT_MAX_SUITE_BYTES = 2 * 1024 * 1024;
/** Deepest nesting of collections (block and flow together); the suites use about 10. */
export const MAX_SUITE_NESTING = 64;
/** Most alias expansions when a document becomes data (the yaml package's own default). */
export const MAX_SUITE_ALIASES = 100;

export function maxSuiteBytes(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.MMSCERT_MAX_SUITE_BYTES);
  return Number.isInteger(v) && v > 0 ? v : DEFAULT_MAX_SUITE_BYTES;
}

/**
 * A case id becomes file names in reports (pcapng, per-case folders): letters, digits, `.`, `_`
 * and `-`, starting with a letter or digit, no empty segment (`..`), at most 128 characters.
 */
export const CASE_ID = /^[A-Za-z0-9](?:[A-Za-z0-9_-]|\.(?!\.))*$/;
export const MAX_CASE_ID_LENGTH = 128;

export function caseIdProblem(id: string): string | undefined {
  if (id.length > MAX_CASE_ID_LENGTH) return `case id is longer than ${MAX_CASE_ID_LENGTH} characters`;
  if (!CASE_ID.test(id) || id.endsWith('.'))
    return `case id ${JSON.stringify(id.slice(0, 80))} is not safe as a file name: use letters, digits, '.', '_' and '-' (starting with a letter or digit, no '..')`;
  return undefined;
}

export interface NestingProblem {
  /** 1-based line and column of the first place that goes too deep. */
  line: number;
  col: number;
  depth: number;
}

/**
 * The first place where collections nest deeper than `max`, by one linear pass over the text
 * (no recursion): block nesting from indentation and compact `- ` / `? ` indicators, flow
 * nesting from `[` / `{` where a node may start, quoted scalars and block scalars skipped.
 */
export function findExcessiveNesting(text: string, max = MAX_SUITE_NESTING): NestingProblem | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote: '' | "'" | '"' = '';
  let blockScalarIndent = -1; // inside a | or > scalar owned by a line of this indent
  let lineNo = 0;
  let pos = 0;
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end);
    lineNo++;
    pos = end + 1;
    let i = 0;
    while (i < line.length && line[i] === ' ') i++;
    const blank = i >= line.length || line[i] === '#' || line[i] === '\r';
    if (blockScalarIndent >= 0) {
      if (blank || i > blockScalarIndent) continue;
      blockScalarIndent = -1;
    }
    if (blank && !quote) continue;
    let block = 0;
    if (!quote && flow === 0) {
      while (indents.length > 0 && (indents[indents.length - 1] ?? 0) >= i) indents.pop();
      indents.push(i);
      block = indents.length;
      // compact nesting: `- - - x`, `? - x`
      if (block > max) return { line: lineNo, col: i + 1, depth: block };
      while ((line[i] === '-' || line[i] === '?') && (line[i + 1] === ' ' || i + 1 === line.length)) {
        if (++block > max) return { line: lineNo, col: i + 1, depth: block };
        i += 2;
        while (line[i] === ' ') i++;
      }
    } else block = indents.length;
    // scan the rest of the line
    let valueStart = !quote && flow === 0;
    for (; i < line.length; i++) {
      const c = line[i];
      if (quote) {
        if (quote === '"' && c === '\\') i++;
        else if (c === quote) {
          if (quote === "'" && line[i + 1] === "'") i++;
          else quote = '';
        }
        continue;
      }
      if (c === ' ' || c === '\t') continue;
      if (c === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) break;
      if (flow === 0 && !valueStart) {
        // inside a plain key or scalar of block context: only `: ` opens a value position
        if (c === ':' && (i + 1 === line.length || line[i + 1] === ' ')) valueStart = true;
        continue;
      }
      if ((c === '&' || c === '!') && valueStart) {
        while (i + 1 < line.length && line[i + 1] !== ' ') i++; // anchor or tag before the node
        continue;
      }
      if (c === '"' || c === "'") {
        quote = c;
        continue;
      }
      if (c === '[' || c === '{') {
        flow++;
        if (block + flow > max) return { line: lineNo, col: i + 1, depth: block + flow };
        valueStart = true;
        continue;
      }
      if (c === ']' || c === '}') {
        if (flow > 0) flow--;
        continue;
      }
      if (flow === 0 && (c === '|' || c === '>')) {
        blockScalarIndent = indents[indents.length - 1] ?? 0;
        break;
      }
      if (c === ',' && flow > 0) continue;
      if (flow === 0) {
        // a plain scalar, or a key: a `: ` further on may open a value position again
        valueStart = false;
      }
    }
  }
  return undefined;
}
