import { describe, expect, it } from 'vitest';
import { assignAddresses, nodeAddress, nodeKey } from './node-address.ts';
import { ROLE_ADDRESS } from './nodes.ts';

describe('node addresses', () => {
  it('a node named after its role gets ROLE_ADDRESS; others keep the role prefix, stable by name', () => {
    expect(nodeAddress('mmsc', 'mmsc')).toBe(ROLE_ADDRESS.mmsc);
    const a = nodeAddress('ue.alice', 'ue');
    expect(a).toMatch(/^127\.0\.1\.(\d+)$/);
    expect(Number(a.split('.')[3])).toBeGreaterThanOrEqual(10);
    expect(Number(a.split('.')[3])).toBeLessThan(250);
    expect(nodeAddress('ue.alice', 'ue')).toBe(a);
    expect(nodeAddress('ue.bob', 'ue')).not.toBe(a);
  });

  it('assigns distinct addresses to many nodes of one role, independent of their order', () => {
    const nodes = Array.from({ length: 100 }, (_, i) => ({ node: `ue.${i}`, role: 'ue' as const }));
    const one = assignAddresses(nodes);
    const two = assignAddresses([...nodes].reverse());
    expect(new Set(one.values()).size).toBe(100);
    for (const n of nodes) expect(two.get(nodeKey(n))).toBe(one.get(nodeKey(n)));
    // never one of the roles' own addresses (wap-gateway and ppg share 127.0.2.x)
    const gw = assignAddresses(
      Array.from({ length: 50 }, (_, i) => ({ node: `gw${i}`, role: 'wap-gateway' as const })),
    );
    expect([...gw.values()]).not.toContain(ROLE_ADDRESS.ppg);
  });
});
