import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

/** A place in a source file, 1-based like editors show it. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

export function formatPos(p: SourcePos): string {
  return `${p.file}:${p.line}:${p.col}`;
}

/**
 * The YAML node at a path (keys and sequence indexes), or the deepest existing ancestor when
 * the path does not exist (a missing key is reported where its parent map starts). With
 * `key: true` the last segment's KEY node is returned (for unknown-key errors).
 */
export function nodeAtPath(
  doc: Document,
  path: readonly PropertyKey[],
  opts: { key?: boolean } = {},
): Node | null {
  let node: unknown = doc.contents;
  let last: Node | null = (doc.contents as Node | null) ?? null;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
      );
      if (!pair) return last;
      if (opts.key && i === path.length - 1 && isScalar(pair.key)) return pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
    } else {
      return last;
    }
    if (node === null || node === undefined || typeof node !== 'object') return last;
    last = node as Node;
  }
  return last;
}

/** Position of the node at `path` (see nodeAtPath), 1:1 when the document is empty. */
export function positionOf(
  doc: Document,
  lines: LineCounter,
  file: string,
  path: readonly PropertyKey[],
  opts: { key?: boolean } = {},
): SourcePos {
  const node = nodeAtPath(doc, path, opts);
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = lines.linePos(offset);
  return { file, line, col };
}
