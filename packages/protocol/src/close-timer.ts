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
  active: boolean;
  onExpire: () => void;
}

const queues = new Map<number, Entry[]>();
let timer: ReturnType<typeof setTimeout> | undefined;
let timerDue = Number.POSITIVE_INFINITY;

function noop(): void {}

/** Calls `onExpire` in `timeout` ms unless the returned entry is cancelled first. */
export function scheduleClose(timeout: number, onExpire: () => void): CloseTimerEntry {
  const entry: Entry = { due: Date.now() + timeout, active: true, onExpire };
  let queue = queues.get(timeout);
  if (queue === undefined) queues.set(timeout, (queue = []));
  queue.push(entry);
  if (entry.due < timerDue) arm(entry.due);
  return entry;
}

/**
 * Cancels `entry`. A cancelled entry stays queued until it reaches the head, but lets go of its
 * callback at once, so the callback (and the connection and socket it reaches) can be collected
 * now rather than at the deadline.
 */
export function cancelClose(entry: CloseTimerEntry | undefined): void {
  if (entry === undefined) return;
  const writable = entry as Entry;
  writable.active = false;
  writable.onExpire = noop;
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
  for (const [timeout, queue] of queues) {
    let i = 0;
    while (i < queue.length && (!queue[i]!.active || queue[i]!.due <= now)) {
      const entry = queue[i++]!;
      if (entry.active) {
        const onExpire = entry.onExpire;
        entry.active = false;
        entry.onExpire = noop;
        try {
          onExpire();
        } catch {
          // An expiry handler only destroys a transport; it must not stop the others.
        }
      }
    }
    if (i === queue.length) queues.delete(timeout);
    else {
      queue.splice(0, i);
      next = Math.min(next, queue[0]!.due);
    }
  }
  if (next !== Number.POSITIVE_INFINITY) arm(next);
}
