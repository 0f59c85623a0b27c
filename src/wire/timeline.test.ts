import { describe, expect, it } from 'vitest';
import { DeadlineExpired, Timeline } from './timeline.ts';

const msg = (type: string) =>
  ({
    kind: 'message',
    type,
    fields: {},
    node: 'mmsc',
    role: 'mmsc',
    iface: 'MM1',
    direction: 'out',
  }) as const;

describe('Timeline', () => {
  it('orders observations and stamps the case context', () => {
    const tl = new Timeline();
    tl.setContext({ case: 'mm1.send.001', step: 's1' });
    const a = tl.publish(msg('m-send-conf'));
    const b = tl.publish({ ...msg('m-notification-ind'), step: 's2' });
    expect([a.seq, b.seq]).toEqual([0, 1]);
    expect(a.case).toBe('mm1.send.001');
    expect(b.step).toBe('s2');
    expect(b.t).toBeGreaterThanOrEqual(a.t);
    expect(tl.messages({ type: 'm-notification-ind' })).toHaveLength(1);
  });

  it('waitFor resolves on a later publish and rejects after its deadline, recording the expiry', async () => {
    const tl = new Timeline();
    const p = tl.waitFor((o) => o.kind === 'message' && o.type === 'x', { timeoutMs: 1000 });
    setTimeout(() => tl.publish(msg('x')), 5);
    expect((await p).seq).toBe(0);
    await expect(tl.waitFor(() => false, { timeoutMs: 10, description: 'never' })).rejects.toBeInstanceOf(
      DeadlineExpired,
    );
    expect(tl.all().at(-1)).toMatchObject({ kind: 'event', name: 'deadline-expired' });
  });

  it('serialises bytes as base64', () => {
    const tl = new Timeline();
    tl.publish({ ...msg('x'), raw: new Uint8Array([1, 2, 3]) });
    const json = JSON.parse(
      JSON.stringify(tl, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v)),
    );
    expect(json.observations[0].raw).toBe('AQID');
  });
});
