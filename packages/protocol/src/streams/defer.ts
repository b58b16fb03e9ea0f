/**
 * Runs tasks in a macrotask, after every pending microtask, on any runtime with
 * MessageChannel (browsers, Deno, Bun, Node): frames produced by an `await conn.receive()`
 * loop over one read's messages then leave in one write. One channel for all connections;
 * it keeps a Node process alive only while tasks are waiting.
 */
let channel: MessageChannel | undefined;
let tasks: (() => void)[] = [];

function run(): void {
  const due = tasks;
  tasks = [];
  (channel!.port1 as { unref?: () => void }).unref?.();
  for (const task of due) {
    try {
      task();
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

export function deferTask(task: () => void): void {
  if (typeof MessageChannel !== 'function') {
    queueMicrotask(task);
    return;
  }
  if (channel === undefined) {
    channel = new MessageChannel();
    channel.port1.onmessage = run;
  }
  if (tasks.length === 0) {
    (channel.port1 as { ref?: () => void }).ref?.();
    channel.port2.postMessage(null);
  }
  tasks.push(task);
}
