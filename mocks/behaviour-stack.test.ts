import { describe, expect, it } from 'vitest';
import { BehaviourStack } from './behaviour-stack.ts';

type B = { kind: 'slow'; ms: number } | { kind: 'error'; code: number };

describe('BehaviourStack', () => {
  it('finds the newest behaviour of a kind and forgets all on clear', () => {
    const s = new BehaviourStack<B>();
    s.push({ kind: 'slow', ms: 10 });
    s.push({ kind: 'error', code: 500 });
    s.push({ kind: 'slow', ms: 20 });
    expect(s.find('slow')?.ms).toBe(20);
    expect(s.find('error')?.code).toBe(500);
    expect(s.all).toHaveLength(3);
    s.clear();
    expect(s.find('slow')).toBeUndefined();
  });
});
