import { describe, expect, it } from 'vitest';
import { PeerConfigError } from './peer.ts';
import { clearBehavioursAction, configureTargetAction } from './peer-actions.ts';

describe('shared peer actions', () => {
  it('clear-behaviours resets the peer and says so', async () => {
    let resets = 0;
    const act = clearBehavioursAction({ resetBehaviours: () => resets++ });
    expect(await act({})).toEqual({ cleared: true });
    expect(resets).toBe(1);
  });

  it('configure sets a string target and refuses anything else with a PeerConfigError', async () => {
    const set: string[] = [];
    const act = configureTargetAction('vasp', 'MM7 URL', (u) => set.push(u));
    expect(await act({ target: 'http://127.0.0.1:1/mm7' })).toEqual({ target: 'http://127.0.0.1:1/mm7' });
    expect(set).toEqual(['http://127.0.0.1:1/mm7']);
    const err = await act({ target: 7 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PeerConfigError);
    expect((err as Error).message).toContain('configure: target (MM7 URL) required');
    expect(set).toHaveLength(1);
  });
});
