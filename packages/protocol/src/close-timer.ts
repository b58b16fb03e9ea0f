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
  readonly onExpire: () => void;
}

const queues = new Map<number, CloseTimerEntry[]>();
let timer: ReturnType<typeof setTimeout> | undefined;
let timerDue = Number.POSITIVE_INFINITY;

/** Calls `onExpire` in `timeout` ms unless the returned entry is cancelled first. */
export function scheduleClose(timeout: number, onExpire: () => void): CloseTimerEntry {
  const entry: CloseTimerEntry = { due: Date.now() + timeout, active: true, onExpire };
  let queue = queues.get(timeout);
  if (queue === undefined) queues.set(timeout, (queue = []));
  queue.push(entry);
  if (entry.due < timerDue) arm(entry.due);
  return entry;
}

export function cancelClose(entry: CloseTimerEntry | undefined): void {
  if (entry !== undefined) entry.active = false;
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
        entry.active = false;
        try {
          entry.onExpire();
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
