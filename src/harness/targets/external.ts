import type { JsonObject } from '../../util/json.ts';
import type { Ics } from '../ics/ics-schema.ts';
import {
  type Target,
  type TargetCaseContext,
  type TargetEndpoints,
  TargetError,
  type TargetSession,
} from '../target.ts';
import { canConnect } from './reserve-port.ts';

/** The peers an MMSC calls (SMPP, MM5, MM4, MM3, MM7 towards the VASP): where it was told to find them. */
const CALLED_PEERS = ['smsc', 'hlr', 'remote-mmsc', 'mail', 'vasp'];

/**
 * A target MMSC already running (on loopback). Its endpoints come from the config file; our
 * peers listen where the target was told to find them (fixed ports and credentials from the
 * config's `peers:`). Those peers are shared by the cases running at once (`sharedPeerKinds`);
 * with one job each case starts them afresh.
 */
export class ExternalTarget implements Target {
  readonly kind: 'external' | 'container' = 'external';
  readonly maxJobs = 256;
  readonly description: string;
  readonly sharedPeerKinds: readonly string[];

  constructor(
    protected endpoints: TargetEndpoints,
    readonly ics: Ics,
    protected readonly peers: Readonly<Record<string, JsonObject>> = {},
    name = 'external MMSC',
  ) {
    this.description = name;
    this.sharedPeerKinds = CALLED_PEERS.filter((k) => peers[k] !== undefined);
    // the target's own domain is its ICS's
    this.endpoints = { ...endpoints, domain: ics.provisioning.domain };
  }

  /** Checks every configured endpoint accepts connections: an unreachable target is a harness error. */
  async open(): Promise<void> {
    const problems: string[] = [];
    for (const [iface, url] of Object.entries(this.endpoints)) {
      if (iface === 'domain' || typeof url !== 'string') continue;
      const u = new URL(url);
      const port = Number(u.port || (u.protocol === 'http:' ? 80 : u.protocol === 'smtp:' ? 25 : 0));
      if (!(await canConnect(u.hostname, port))) problems.push(`${iface.toUpperCase()} ${url}`);
    }
    if (problems.length > 0)
      throw new TargetError(`target unreachable: nothing answers at ${problems.join(', ')}`);
  }

  async startCase(ctx: TargetCaseContext): Promise<TargetSession> {
    const endpoints = this.endpoints;
    const peers = this.peers;
    void ctx;
    return {
      endpoints,
      // the fixed ports the target was pointed at
      peerConfig: (kind) => ({ ...(peers[kind] ?? {}) }),
      attach: async () => undefined,
      stop: async () => undefined,
    };
  }

  async close(): Promise<void> {}
}
