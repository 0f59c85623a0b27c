/**
 * A peer's active behaviours: the newest put in front (`use`), cleared when the case ends
 * (`resetBehaviours`), looked up by kind. One copy for every peer that keeps such a stack.
 */
export class BehaviourStack<B extends { kind: string }> {
  private items: B[] = [];

  /** Puts a behaviour in front of the ones already active. */
  push(b: B): void {
    this.items.unshift(b);
  }

  clear(): void {
    this.items = [];
  }

  /** The newest active behaviour of that kind (typed by kind when B is a union of kinds). */
  find<K extends B['kind']>(kind: K): (string extends B['kind'] ? B : Extract<B, { kind: K }>) | undefined {
    return this.items.find((b) => b.kind === kind) as
      | (string extends B['kind'] ? B : Extract<B, { kind: K }>)
      | undefined;
  }

  get all(): readonly B[] {
    return this.items;
  }
}
