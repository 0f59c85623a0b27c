import type { Observation, Timeline } from '../wire/timeline.ts';

/** A step that did not see what it waited for in time. */
export class StepTimeout extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`no ${what} within ${timeoutMs} ms`);
    this.name = 'StepTimeout';
  }
}

interface Waiter {
  match: (o: Observation) => boolean;
  resolve: (o: Observation) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** The key an observation is indexed by: its node and what it is (message type, `bytes`, event name). */
function keyOf(o: Observation): string {
  if (o.kind === 'message') return `${o.node}|${o.type}`;
  if (o.kind === 'event') return `${o.node}|event:${o.name}`;
  return `${o.node}|${o.kind}`;
}

/**
 * Waits on what our peers and handsets see on the wire, for many flows at once: each waiter is
 * filed under (node, message type), so an observation is matched only against the waiters of
 * its own node and type (a load run publishes tens of thousands a second; the timeline's own
 * `waitFor` tries every waiter on every observation). The waits judge only what crossed the wire.
 */
export class WireWatch {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly unsubscribe: () => void;
  /** Observations seen, by node (what each peer handled). */
  readonly seen = new Map<string, number>();

  constructor(timeline: Timeline) {
    this.unsubscribe = timeline.subscribe((o) => this.on(o));
  }

  /**
   * The first observation from now on of `node` (a message `type`, `bytes`, or `event:NAME`) that
   * `match` accepts; rejects with StepTimeout after `timeoutMs`.
   */
  wait(
    node: string,
    type: string,
    match: (o: Observation) => boolean,
    timeoutMs: number,
  ): { promise: Promise<Observation>; cancel(): void } {
    const key = `${node}|${type}`;
    let set = this.waiters.get(key);
    if (!set) {
      set = new Set();
      this.waiters.set(key, set);
    }
    const bucket = set;
    let waiter: Waiter | undefined;
    const promise = new Promise<Observation>((resolve, reject) => {
      const w: Waiter = {
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          bucket.delete(w);
          reject(new StepTimeout(`${type} at ${node}`, timeoutMs));
        }, timeoutMs),
      };
      waiter = w;
      bucket.add(w);
    });
    // a waiter nobody awaits any more (its flow failed earlier) must not be an unhandled rejection
    promise.catch(() => undefined);
    return {
      promise,
      cancel: () => {
        if (!waiter) return;
        clearTimeout(waiter.timer);
        bucket.delete(waiter);
      },
    };
  }

  /** Waiters not yet settled (a queue-depth figure). */
  get pending(): number {
    let n = 0;
    for (const s of this.waiters.values()) n += s.size;
    return n;
  }

  /** Waiters not yet settled by node (what the flows wait for at each peer). */
  pendingByNode(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [key, set] of this.waiters) {
      if (set.size === 0) continue;
      const node = key.slice(0, key.indexOf('|'));
      const k = node.startsWith('ue.') ? 'ue.*' : node;
      out.set(k, (out.get(k) ?? 0) + set.size);
    }
    return out;
  }

  close(): void {
    this.unsubscribe();
    for (const s of this.waiters.values()) {
      for (const w of s) {
        clearTimeout(w.timer);
        w.reject(new Error('the load rig closed'));
      }
      s.clear();
    }
  }

  private on(o: Observation): void {
    this.seen.set(o.node, (this.seen.get(o.node) ?? 0) + 1);
    const set = this.waiters.get(keyOf(o));
    if (!set || set.size === 0) return;
    for (const w of set) {
      if (!w.match(o)) continue;
      set.delete(w);
      clearTimeout(w.timer);
      w.resolve(o);
      return;
    }
  }
}
