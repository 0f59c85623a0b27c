import type { Json } from '../util/json.ts';
import type { Iface, NodeRole } from '../wire/nodes.ts';
import type { Direction, Timeline } from '../wire/timeline.ts';

/**
 * How MMSC modules publish to the run's timeline: message observations for every PDU in
 * or out, events for queue activity. Without a timeline (a long-running `serve` with no
 * capture) publishing costs nothing.
 */
export class MmscObserver {
  readonly role: NodeRole = 'mmsc';

  constructor(
    readonly node: string,
    readonly timeline?: Timeline,
  ) {}

  get enabled(): boolean {
    return this.timeline !== undefined;
  }

  message(
    iface: Iface,
    direction: Direction,
    type: string,
    fields: Json | (() => Json),
    extra: { peer?: string; raw?: Uint8Array; conn?: string } = {},
  ): void {
    if (!this.timeline) return;
    this.timeline.publish({
      kind: 'message',
      node: this.node,
      role: this.role,
      iface,
      direction,
      type,
      fields: typeof fields === 'function' ? fields() : fields,
      ...(extra.peer !== undefined ? { peer: extra.peer } : {}),
      ...(extra.raw !== undefined ? { raw: extra.raw } : {}),
      ...(extra.conn !== undefined ? { conn: extra.conn } : {}),
    });
  }

  event(iface: Iface, name: string, detail?: Json): void {
    if (!this.timeline) return;
    this.timeline.publish({
      kind: 'event',
      node: this.node,
      role: this.role,
      iface,
      direction: 'local',
      name,
      ...(detail !== undefined ? { detail } : {}),
    });
  }
}
