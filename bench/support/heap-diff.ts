/**
 * `npx tsx bench/support/heap-diff.ts A.heapsnapshot B.heapsnapshot [N]`: what grew between two
 * heap snapshots of one process (V8 keeps object ids across snapshots of the same isolate).
 * Prints the N (30) largest growths by (node type, constructor or string kind): count and self
 * size in A and B, and how many of B's objects are newer than every object of A (allocated after A
 * and still alive at B). Used to trace the heap growth per message of bench/mmsc-memory.bench.ts
 * (MEM_BENCH_SNAPSHOTS=DIR writes warm.heapsnapshot and end.heapsnapshot there).
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

interface Group {
  count: number;
  size: number;
  fresh: number;
  freshSize: number;
}

function groups(file: string, newerThan = -1): { byKey: Map<string, Group>; maxId: number; total: number } {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const f = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const width = f.length;
  const iType = f.indexOf('type');
  const iName = f.indexOf('name');
  const iId = f.indexOf('id');
  const iSize = f.indexOf('self_size');
  const byKey = new Map<string, Group>();
  let maxId = 0;
  let total = 0;
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + iType]];
    const id = s.nodes[i + iId];
    const size = s.nodes[i + iSize];
    if (id > maxId) maxId = id;
    total += size;
    // strings by kind only (their text is the name); objects by constructor
    const name = type === 'string' || type === 'concatenated string' || type === 'sliced string' ? '' : s.strings[s.nodes[i + iName]];
    const key = `${type} ${name.length > 60 ? `${name.slice(0, 60)}…` : name}`;
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = { count: 0, size: 0, fresh: 0, freshSize: 0 }));
    g.count += 1;
    g.size += size;
    if (newerThan >= 0 && id > newerThan) {
      g.fresh += 1;
      g.freshSize += size;
    }
  }
  return { byKey, maxId, total };
}

const [a, b, n] = process.argv.slice(2);
if (!a || !b) {
  process.stderr.write('usage: heap-diff.ts A.heapsnapshot B.heapsnapshot [N]\n');
  process.exit(2);
}
const A = groups(a);
const B = groups(b, A.maxId);
const keys = new Set([...A.byKey.keys(), ...B.byKey.keys()]);
const rows = [...keys].map((k) => {
  const x = A.byKey.get(k) ?? { count: 0, size: 0, fresh: 0, freshSize: 0 };
  const y = B.byKey.get(k) ?? { count: 0, size: 0, fresh: 0, freshSize: 0 };
  return { k, x, y, d: y.size - x.size };
});
rows.sort((p, q) => q.d - p.d);
console.log(`self size A ${A.total} B ${B.total}: ${B.total - A.total} bytes`);
console.log('growth(B) count A -> B (newer than A: count/bytes)  key');
for (const r of rows.slice(0, Number(n ?? 30)))
  console.log(
    `${String(r.d).padStart(10)}  ${r.x.count} -> ${r.y.count} (${r.y.fresh}/${r.y.freshSize})  ${r.k}`,
  );
