/**
 * Close deadlines for all connections, on one shared timer instead of one timer per
 * connection (DESIGN.md: per-connection state small and flat). Entries with the same timeout
 * are due in the order they were added, so each timeout value keeps a FIFO queue and only its
 * head is ever compared with the clock: adding, cancelling and expiring are O(1).
 */

export interface CloseTimerEntry {
  /** When it is due, in Date.now() milliseconds. */
  readonly due: number;
  /** Cleared by cancel(); a cancelled entry is dropped when it reaches the head. */
  active: boolean;
  /** The callback; a no-op once the entry was cancelled or has fired. */
  readonly onExpire: () => void;
}

/** The same entry, writable here: cancelling swaps the callback for `noop`. */
interface Entry {
  readonly due: number;
  readonly timeout: number;
  active: boolean;
  onExpire: () => void;
}

/** The entries of one timeout value, in due order; `head` is the first one still queued. */
interface Queue {
  entries: Entry[];
  head: number;
  cancelled: number;
}

const queues = new Map<number, Queue>();
let timer: ReturnType<typeof setTimeout> | undefined;
let timerDue = Number.POSITIVE_INFINITY;
/** True while expire() walks the queues: a callback that cancels another entry must not compact under it. */
let expiring = false;

function noop(): void {}

/** Calls `onExpire` in `timeout` ms unless the returned entry is cancelled first. */
export function scheduleClose(timeout: number, onExpire: () => void): CloseTimerEntry {
  const entry: Entry = { due: Date.now() + timeout, timeout, active: true, onExpire };
  let queue = queues.get(timeout);
  if (queue === undefined) queues.set(timeout, (queue = { entries: [], head: 0, cancelled: 0 }));
  queue.entries.push(entry);
  if (entry.due < timerDue) arm(entry.due);
  return entry;
}

/**
 * Cancels `entry`. It lets go of its callback at once, so the callback (and the connection and
 * socket it reaches) can be collected now rather than at the deadline; a queue is compacted once
 * most of its entries are cancelled, so settled handshakes and closes never pile up (measured in
 * @ws/client: keeping them until their 10 s deadline cost about 20 µs of GC per connect).
 */
export function cancelClose(entry: CloseTimerEntry | undefined): void {
  if (entry === undefined || !entry.active) return;
  const writable = entry as Entry;
  writable.active = false;
  writable.onExpire = noop;
  const queue = queues.get(writable.timeout);
  if (queue === undefined) return;
  queue.cancelled++;
  const live = queue.entries.length - queue.head;
  if (!expiring && queue.cancelled >= 64 && queue.cancelled * 2 >= live) compact(queue);
}

/** @internal Entries held, cancelled or not (for tests). */
export function heldCloseEntries(): number {
  let held = 0;
  for (const queue of queues.values()) held += queue.entries.length - queue.head;
  return held;
}

function compact(queue: Queue): void {
  const kept: Entry[] = [];
  for (let i = queue.head; i < queue.entries.length; i++) {
    const entry = queue.entries[i]!;
    if (entry.active) kept.push(entry);
  }
  queue.entries = kept;
  queue.head = 0;
  queue.cancelled = 0;
}

function arm(due: number): void {
  if (timer !== undefined) clearTimeout(timer);
  timerDue = due;
  timer = setTimeout(expire, Math.max(0, due - Date.now()));
  // Node: the shared timer alone must not keep a process alive (sockets do that).
  (timer as { unref?: () => void }).unref?.();
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
    while (i < entries.length && (!entries[i]!.active || entries[i]!.due <= now)) {
      const entry = entries[i++]!;
      if (!entry.active) {
        queue.cancelled--;
        continue;
      }
      const onExpire = entry.onExpire;
      entry.active = false;
      entry.onExpire = noop;
      try {
        onExpire();
      } catch {
        // An expiry handler only destroys a transport or fails a handshake; it must not stop the others.
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
