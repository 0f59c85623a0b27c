import { resolveMmscConfig } from '../../mmsc/config.ts';
import { REFERENCE_PROVISIONING, referenceIcs } from '../ics/reference-ics.ts';
import type { Target, TargetSession } from '../target.ts';

/**
 * No MMSC at all: cases that exercise the peers themselves (mock self-tests, peer interop
 * against real clients). Config `target: { kind: none }`.
 */
export class PeersOnlyTarget implements Target {
  readonly kind = 'none' as const;
  readonly description = 'no target (peers only)';
  readonly maxJobs = 64;
  /** No MMSC: the peers still take the reference identities. */
  readonly ics = referenceIcs(resolveMmscConfig({}), REFERENCE_PROVISIONING);
  async open(): Promise<void> {}
  async startCase(): Promise<TargetSession> {
    return {
      endpoints: {},
      peerConfig: () => ({}),
      attach: async () => undefined,
      stop: async () => undefined,
    };
  }
  async close(): Promise<void> {}
}
