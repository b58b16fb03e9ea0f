/**
 * Handshake deadlines for every pending connect, on one shared timer instead of one
 * setTimeout per socket. Deadlines with the same timeout fall due in the order they were set,
 * so each timeout value keeps a FIFO queue and only its head is compared with the clock.
 *
 * A settled handshake drops its callback at once (`cancel`), so a queue holds a few bytes per
 * pending entry, never a socket: measured here, keeping the settled handshakes reachable until
 * their 10 s deadline (as a queue of closures does) cost about 20 µs of GC per connect at
 * 5,000 connects/s. Queues are compacted once most of their entries are cancelled.
 */

export interface Deadline {
  readonly due: number;
  readonly timeout: number;
  /** Null once cancelled or expired. */
  onExpire: (() => void) | null;
}

interface Queue {
  entries: Deadline[];
  head: number;
  cancelled: number;
}

const queues = new Map<number, Queue>();
let timer: ReturnType<typeof setTimeout> | undefined;
let timerDue = Number.POSITIVE_INFINITY;
/** True while expire() walks the queues: a callback that cancels another entry must not compact under it. */
let expiring = false;

/** Calls `onExpire` after `timeout` ms unless `cancel` is called first. `timeout` must be finite. */
export function schedule(timeout: number, onExpire: () => void): Deadline {
  const entry: Deadline = { due: Date.now() + timeout, timeout, onExpire };
  let queue = queues.get(timeout);
  if (queue === undefined) queues.set(timeout, (queue = { entries: [], head: 0, cancelled: 0 }));
  queue.entries.push(entry);
  if (entry.due < timerDue) arm(entry.due);
  return entry;
}

export function cancel(entry: Deadline | undefined): void {
  if (entry === undefined || entry.onExpire === null) return;
  entry.onExpire = null;
  const queue = queues.get(entry.timeout);
  if (queue === undefined) return;
  queue.cancelled++;
  const live = queue.entries.length - queue.head;
  if (!expiring && queue.cancelled >= 64 && queue.cancelled * 2 >= live) compact(queue);
}

/** Pending deadlines (for tests): entries held, whether cancelled or not. */
export function heldDeadlines(): number {
  let held = 0;
  for (const queue of queues.values()) held += queue.entries.length - queue.head;
  return held;
}

function compact(queue: Queue): void {
  const kept: Deadline[] = [];
  for (let i = queue.head; i < queue.entries.length; i++) {
    const entry = queue.entries[i]!;
    if (entry.onExpire !== null) kept.push(entry);
  }
  queue.entries = kept;
  queue.head = 0;
  queue.cancelled = 0;
}

function arm(due: number): void {
  if (timer !== undefined) clearTimeout(timer);
  timerDue = due;
  timer = setTimeout(expire, Math.max(0, due - Date.now()));
  // The shared timer alone must not keep a process alive (the sockets do that).
  timer.unref();
}

function expire(): void {
  timer = undefined;
  timerDue = Number.POSITIVE_INFINITY;
  const now = Date.now();
  let next = Number.POSITIVE_INFINITY;
  expiring = true;
  for (const [timeout, queue] of queues) {
    const entries = queue.entries;
    let i = queue.head;
    while (i < entries.length && (entries[i]!.onExpire === null || entries[i]!.due <= now)) {
      const entry = entries[i++]!;
      const onExpire = entry.onExpire;
      if (onExpire === null) {
        queue.cancelled--;
        continue;
      }
      entry.onExpire = null;
      try {
        onExpire();
      } catch {
        // An expiry only fails a handshake; it must not stop the others.
      }
    }
    if (i === entries.length) {
      queues.delete(timeout);
      continue;
    }
    queue.head = i;
    if (i > 1024 && i * 2 > entries.length) compact(queue);
    next = Math.min(next, queue.entries[queue.head]!.due);
  }
  expiring = false;
  if (next !== Number.POSITIVE_INFINITY) arm(next);
}
