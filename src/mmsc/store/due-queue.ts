/**
 * A min-heap of (time, item) pairs: the outbox's schedule. `popDue(now)` yields items whose
 * time has come, earliest first; stale entries are skipped by the caller (lazy deletion), so
 * rescheduling is one push and the cost per job is O(log n) whatever the backlog.
 */
export class DueQueue<T> {
  private readonly at: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  push(time: number, item: T): void {
    let i = this.items.length;
    this.at.push(time);
    this.items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.at[parent] <= time) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Time of the earliest entry (Infinity when empty). */
  peekTime(): number {
    return this.items.length > 0 ? this.at[0] : Number.POSITIVE_INFINITY;
  }

  /** Removes and returns the earliest entry if its time is <= `now`. */
  popDue(now: number): T | undefined {
    if (this.items.length === 0 || this.at[0] > now) return undefined;
    const top = this.items[0];
    const lastAt = this.at.pop()!;
    const lastItem = this.items.pop()!;
    if (this.items.length > 0) {
      this.at[0] = lastAt;
      this.items[0] = lastItem;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.items.length && this.at[l] < this.at[m]) m = l;
        if (r < this.items.length && this.at[r] < this.at[m]) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }

  private swap(a: number, b: number): void {
    [this.at[a], this.at[b]] = [this.at[b], this.at[a]];
    [this.items[a], this.items[b]] = [this.items[b], this.items[a]];
  }
}
