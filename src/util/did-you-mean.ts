/**
 * "Did you mean" for names: the candidate nearest to a misspelt word by edit distance
 * (insertions, deletions, substitutions and swaps of two neighbours; case ignored).
 */

/** Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring). */
export function editDistance(a: string, b: string): number {
  return osa(a.toLowerCase(), b.toLowerCase());
}

/** editDistance of two lower-cased words, over three rolling rows of the table (no matrix). */
function osa(s: string, t: string): number {
  const n = t.length;
  let older = new Array<number>(n + 1).fill(0); // row i-2
  let prev = new Array<number>(n + 1);
  let row = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= s.length; i++) {
    row[0] = i;
    const si = s.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const tj = t.charCodeAt(j - 1);
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (si === tj ? 0 : 1));
      if (i > 1 && j > 1 && si === t.charCodeAt(j - 2) && s.charCodeAt(i - 2) === tj)
        d = Math.min(d, older[j - 2] + 1);
      row[j] = d;
    }
    [older, prev, row] = [prev, row, older];
  }
  return prev[n];
}

/**
 * The nearest candidate, when near enough to be a slip (at most a third of the word's length,
 * at least 1 and at most 3 edits); ties go to the earlier candidate.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    if (c === word) return c;
    // the distance is at least the difference in length: such a candidate is never near enough
    if (Math.abs(c.length - word.length) > limit) continue;
    const dist = osa(w, c.toLowerCase());
    if (dist < bestD) {
      best = c;
      bestD = dist;
    }
  }
  return bestD <= limit ? best : undefined;
}

/** ` (did you mean "parts"?)`, or `` when nothing is near. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c === undefined || c === word ? '' : ` (did you mean "${c}"?)`;
}
