/** Something with a deadline: `expire()` runs when it passes. */
export interface Expiring {
  deadline: number;
  expire(): void;
}

/**
 * Items that all get the same timeout, on one timer. A Set keeps insertion order, which is
 * deadline order here, so only the oldest item is ever compared with the clock, and an item
 * that finishes early is deleted at once: nothing (no closure, no timer entry) outlives it.
 */
export class DeadlineQueue<T extends Expiring> {
  private readonly items = new Set<T>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly check = (): void => {
    this.timer = null;
    const now = Date.now();
    for (const item of this.items) {
      if (item.deadline > now) {
        this.arm(item.deadline - now);
        return;
      }
      this.items.delete(item);
      item.expire();
    }
  };

  constructor(readonly timeout: number) {}

  get size(): number {
    return this.items.size;
  }

  add(item: T): void {
    item.deadline = Date.now() + this.timeout;
    this.items.add(item);
    if (this.timer === null) this.arm(this.timeout);
  }

  delete(item: T): boolean {
    return this.items.delete(item);
  }

  values(): IterableIterator<T> {
    return this.items.values();
  }

  private arm(delay: number): void {
    this.timer = setTimeout(this.check, delay);
    // The deadline timer alone must not keep a process alive.
    this.timer.unref();
  }
}
