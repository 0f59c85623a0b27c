/**
 * `npx tsx bench/support/heap-diff.ts A.heapsnapshot B.heapsnapshot [N] [--retained TYPE[:NAME]]`:
 * what grew between two heap snapshots of one process. Prints the N (30) largest growths by
 * (node type, constructor; strings by kind only): count and self size in A and in B. With
 * `--retained object:Object` (any node type, constructor optional), the nodes of that kind are
 * grouped instead by their first three retainers (edge and holder), which names the Map, array or
 * closure that keeps them. Used to trace the heap growth per message of bench/mmsc-memory.bench.ts
 * (MEM_BENCH_SNAPSHOTS=DIR writes warm.heapsnapshot and end.heapsnapshot there).
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

interface Group {
  count: number;
  size: number;
}

const STRINGS = new Set(['string', 'concatenated string', 'sliced string']);

function groups(file: string, retained?: { type: string; name?: string }): Map<string, Group> {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const m = s.snapshot.meta;
  const nf = m.node_fields.length;
  const ef = m.edge_fields.length;
  const types = m.node_types[0];
  const etypes = m.edge_types[0];
  const { nodes, edges, strings } = s;
  const iType = m.node_fields.indexOf('type');
  const iName = m.node_fields.indexOf('name');
  const iSize = m.node_fields.indexOf('self_size');
  const iEdges = m.node_fields.indexOf('edge_count');
  const count = nodes.length / nf;
  const typeOf = (n: number) => types[nodes[n * nf + iType]];
  const nameOf = (n: number) => String(strings[nodes[n * nf + iName]]);
  // first strong retainer of each node (only needed for --retained)
  const holder = new Int32Array(retained ? count : 0).fill(-1);
  const via: string[] = [];
  if (retained) {
    let e = 0;
    for (let n = 0; n < count; n++) {
      const ec = nodes[n * nf + iEdges];
      for (let k = 0; k < ec; k++, e += ef) {
        const et = etypes[edges[e]];
        if (et === 'weak' || et === 'shortcut') continue;
        const to = edges[e + 2] / nf;
        if (holder[to] !== -1) continue;
        holder[to] = n;
        via[to] = et === 'element' || et === 'hidden' ? '[]' : `${et}:${strings[edges[e + 1]]}`;
      }
    }
  }
  const out = new Map<string, Group>();
  for (let n = 0; n < count; n++) {
    const type = typeOf(n);
    let key: string;
    if (retained) {
      if (type !== retained.type || (retained.name !== undefined && nameOf(n) !== retained.name)) continue;
      const path: string[] = [];
      for (let x = n, d = 0; d < 3 && holder[x] >= 0; d++, x = holder[x])
        path.push(`${via[x]} of ${typeOf(holder[x])}:${nameOf(holder[x]).slice(0, 40)}`);
      key = path.join(' <- ');
    } else {
      const name = STRINGS.has(type) ? '' : nameOf(n);
      key = `${type} ${name.length > 60 ? `${name.slice(0, 60)}…` : name}`;
    }
    let g = out.get(key);
    if (!g) {
      g = { count: 0, size: 0 };
      out.set(key, g);
    }
    g.count += 1;
    g.size += nodes[n * nf + iSize];
  }
  return out;
}

const args = process.argv.slice(2);
const at = args.indexOf('--retained');
let retained: { type: string; name?: string } | undefined;
if (at >= 0) {
  const [type, name] = (args[at + 1] ?? '').split(':');
  retained = { type, ...(name ? { name } : {}) };
  args.splice(at, 2);
}
const [a, b, n] = args;
if (!a || !b) {
  process.stderr.write('usage: heap-diff.ts A.heapsnapshot B.heapsnapshot [N] [--retained TYPE[:NAME]]\n');
  process.exit(2);
}
const A = groups(a, retained);
const B = groups(b, retained);
const none: Group = { count: 0, size: 0 };
const total = (g: Map<string, Group>) => [...g.values()].reduce((x, y) => x + y.size, 0);
const rows = [...new Set([...A.keys(), ...B.keys()])].map((k) => {
  const x = A.get(k) ?? none;
  const y = B.get(k) ?? none;
  return { k, x, y, d: retained ? y.count - x.count : y.size - x.size };
});
rows.sort((p, q) => q.d - p.d);
console.log(`self size A ${total(A)} B ${total(B)}: ${total(B) - total(A)} bytes`);
console.log(`${retained ? 'count' : 'bytes'} growth  count A -> B  key`);
for (const r of rows.slice(0, Number(n ?? 30)))
  console.log(`${String(r.d).padStart(10)}  ${r.x.count} -> ${r.y.count}  ${r.k}`);
