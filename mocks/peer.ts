import type { Json, JsonObject } from '../src/util/json.ts';
import type { NodeRole } from '../src/wire/nodes.ts';
import type { Timeline } from '../src/wire/timeline.ts';

/**
 * A pluggable mock peer. The same object serves a suite (through the harness), the
 * standalone `mmscert peers` command and a docker container. Peers know nothing of suites:
 * they publish observations to the timeline and expose behaviours and actions as data.
 */

/** A listening endpoint, printed by `mmscert peers` as `<peer> <url>` (e.g. `smsc smpp://127.0.0.1:2775`). */
export interface PeerEndpoint {
  peer: string;
  /** Scheme-style protocol name: smpp, http, smtp, dns, pap... */
  protocol: string;
  url: string;
  /** Extra words printed after the URL, e.g. `(any bind accepted)`. */
  note?: string;
}

/** A scripted behaviour: `{ kind: 'throttle', after: 3 }`. Each peer documents the kinds it knows. */
export interface BehaviourSpec {
  kind: string;
  [param: string]: Json | undefined;
}

export interface PeerContext {
  timeline: Timeline;
  /**
   * The address peers listen on: loopback (127.0.0.1) everywhere but in an interop run whose two
   * MMSCs are on other hosts (`mmscert interop --listen ADDR`, src/harness/interop/interop-run.ts).
   */
  host: string;
}

/** An action the harness (or the CLI) can ask a peer to perform: `ue.send`, `vasp.submit`. */
export type PeerAction = (params: JsonObject) => Promise<Json>;

export interface Peer {
  /** Node name on the timeline: `smsc`, `ue.alice`, `remote-mmsc`. */
  readonly name: string;
  readonly role: NodeRole;
  /** Starts listening (port 0 = ephemeral unless configured) and returns the endpoints. */
  start(ctx: PeerContext): Promise<PeerEndpoint[]>;
  /** Stops listening and closes every connection; idempotent. */
  stop(): Promise<void>;
  endpoints(): PeerEndpoint[];
  /** Puts a behaviour in front of the defaults; throws PeerConfigError for an unknown kind or bad params. */
  use(behaviour: BehaviourSpec): void;
  /** Back to the default behaviour (called when a case ends). */
  resetBehaviours(): void;
  /** Actions by name; unknown names are the harness's error, not the peer's. */
  readonly actions: Readonly<Record<string, PeerAction>>;
}

export class PeerConfigError extends Error {
  constructor(
    readonly peer: string,
    message: string,
  ) {
    super(`${peer}: ${message}`);
    this.name = 'PeerConfigError';
  }
}

/**
 * What an action takes: its parameters by name (each with a one-line description). The single
 * source for the action's parameter names: the suite loader refuses any other `with:` key, the
 * suite JSON schema completes them, and the bound action refuses them at run time too.
 */
export interface ActionDef {
  description: string;
  params: Readonly<Record<string, string>>;
  /**
   * Set when the action changes the peer's link with the target for every case beside it (an
   * SMSC ending the target's session): why. A case using it on a shared peer runs by itself.
   */
  alone?: string;
}
export type ActionDefs = Readonly<Record<string, ActionDef>>;

/**
 * A peer's `actions` from its action table and one implementation per entry (the types make the
 * two name the same actions). Each call first refuses a parameter its table does not name.
 */
export function bindActions<D extends ActionDefs>(
  peer: string,
  defs: D,
  impl: { readonly [K in keyof D]: PeerAction },
): Readonly<Record<string, PeerAction>> {
  const out: Record<string, PeerAction> = {};
  for (const [name, fn] of Object.entries(impl) as [string, PeerAction][]) {
    const known = defs[name].params;
    out[name] = (params) => {
      const unknown = Object.keys(params ?? {}).filter((k) => !Object.hasOwn(known, k));
      if (unknown.length > 0)
        return Promise.reject(
          new PeerConfigError(
            peer,
            `${name}: unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${Object.keys(known).join(', ') || 'none'})`,
          ),
        );
      return fn(params ?? {});
    };
  }
  return out;
}
