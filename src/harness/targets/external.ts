import type { JsonObject } from '../../util/json.ts';
import {
  type Target,
  type TargetCaseContext,
  type TargetEndpoints,
  TargetError,
  type TargetSession,
} from '../target.ts';
import { canConnect } from './reserve-port.ts';

/**
 * A target MMSC already running (on loopback). Its endpoints come from the config file; our
 * peers listen where the target was told to find them (fixed ports and credentials from the
 * config's `peers:`), so cases run one at a time.
 */
export class ExternalTarget implements Target {
  readonly kind: 'external' | 'container' = 'external';
  readonly maxJobs = 1;
  readonly description: string;

  constructor(
    protected endpoints: TargetEndpoints,
    protected readonly peers: Readonly<Record<string, JsonObject>> = {},
    name = 'external MMSC',
  ) {
    this.description = name;
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
    // The target's own PLMN, from its MMS domain (3GPP TS 23.003 §15: mms.mncMNC.mccMCC.gprs).
    const plmn = /^mms\.mnc(\d{2,3})\.mcc(\d{3})\.gprs$/i.exec(endpoints.domain ?? '');
    return {
      endpoints,
      peerConfig: (kind) => {
        const base: JsonObject = { ...(peers[kind] ?? {}) };
        // Our HLR answers for the case's handsets as subscribers of the target's network.
        if (kind === 'hlr' && plmn && ctx.msisdns.size > 0 && base.subscribers === undefined) {
          base.subscribers = [...ctx.msisdns.values()].map((msisdn) => ({
            msisdn,
            mcc: plmn[2],
            mnc: plmn[1],
          }));
        }
        return base;
      },
      attach: async () => undefined,
      stop: async () => undefined,
    };
  }

  async close(): Promise<void> {}
}
