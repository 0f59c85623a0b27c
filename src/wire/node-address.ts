import { fnv1a } from '../util/fnv1a.ts';
import { NODE_ROLES, type NodeRole, ROLE_ADDRESS } from './nodes.ts';

/**
 * Capture addresses of logical nodes. A node named after its role (`mmsc`, `smsc`) gets the
 * role's address from ROLE_ADDRESS; any other node of that role (`ue.alice`, `ue.bob`) keeps
 * the role's first three octets and gets a last octet in 10..249 chosen by a hash of its
 * name, so the same node has the same address in every capture. Collisions within one
 * capture are resolved by probing upwards, nodes taken in name order (still deterministic).
 */

const FIRST = 10;
const SPAN = 240;


function prefix(role: NodeRole): string {
  return ROLE_ADDRESS[role].split('.').slice(0, 3).join('.');
}

/** The address of one node, ignoring collisions with other nodes. */
export function nodeAddress(node: string, role: NodeRole): string {
  if (node === role) return ROLE_ADDRESS[role];
  return `${prefix(role)}.${FIRST + (fnv1a(node) % SPAN)}`;
}

export interface NodeRef {
  node: string;
  role: NodeRole;
}

export const nodeKey = (n: NodeRef): string => `${n.role}\u0000${n.node}`;

/** Addresses for every node of a capture, collision-free. Keyed by `nodeKey`. */
export function assignAddresses(nodes: Iterable<NodeRef>): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>(NODE_ROLES.map((r) => ROLE_ADDRESS[r]));
  const others: NodeRef[] = [];
  for (const n of nodes) {
    const key = nodeKey(n);
    if (out.has(key)) continue;
    if (n.node === n.role) out.set(key, ROLE_ADDRESS[n.role]);
    else {
      out.set(key, '');
      others.push(n);
    }
  }
  others.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : a.role < b.role ? -1 : 1));
  for (const n of others) {
    const start = fnv1a(n.node) % SPAN;
    let addr = '';
    for (let i = 0; i < SPAN; i++) {
      const candidate = `${prefix(n.role)}.${FIRST + ((start + i) % SPAN)}`;
      if (!taken.has(candidate)) {
        addr = candidate;
        break;
      }
    }
    if (!addr) addr = nodeAddress(n.node, n.role); // more than 240 nodes of one role: share
    taken.add(addr);
    out.set(nodeKey(n), addr);
  }
  return out;
}

export function ipv4Bytes(address: string): Uint8Array {
  const parts = address.split('.').map((p) => Number.parseInt(p, 10));
  return new Uint8Array(parts);
}
