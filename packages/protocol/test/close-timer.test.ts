import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { heldCloseEntries } from '../src/close-timer.js';
import { cancelClose, scheduleClose } from '../src/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A full GC, without needing `node --expose-gc` on the command line. */
function forceGc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('the shared close timer', () => {
  it('fires a short timeout scheduled after a longer one, and not a cancelled one', async () => {
    const fired: string[] = [];
    const long = scheduleClose(5000, () => fired.push('long'));
    const cancelled = scheduleClose(10, () => fired.push('cancelled'));
    cancelClose(cancelled);
    scheduleClose(20, () => fired.push('short'));
    scheduleClose(20, () => fired.push('short 2'));
    await sleep(80);
    expect(fired).toEqual(['short', 'short 2']);
    cancelClose(long);
  });

  it('keeps firing later entries after an expiry, and survives a throwing handler', async () => {
    const fired: number[] = [];
    scheduleClose(5, () => {
      fired.push(1);
      throw new Error('handler bug');
    });
    scheduleClose(30, () => fired.push(2));
    await sleep(100);
    expect(fired).toEqual([1, 2]);
  });

  it('a cancelled entry lets go of its callback at once, long before its deadline', async () => {
    // Regression: the queue kept cancelled entries, and with them the callback, the
    // connection and its socket, until the deadline (60 s here).
    const head = scheduleClose(60_000, () => {});
    const refs: WeakRef<object>[] = [];
    const entries = [];
    for (let i = 0; i < 3; i++) {
      const connection = { socket: new Uint8Array(1024) };
      refs.push(new WeakRef(connection));
      entries.push(scheduleClose(60_000, () => connection.socket.fill(0)));
    }
    for (const entry of entries) cancelClose(entry);
    expect(entries.map((entry) => entry.active)).toEqual([false, false, false]);
    // WeakRef targets stay alive until the current job ends.
    await sleep(0);
    forceGc();
    expect(refs.map((ref) => ref.deref())).toEqual([undefined, undefined, undefined]);
    cancelClose(head);
  });

  it('a fired entry lets go of its callback', async () => {
    let ref: WeakRef<object> | undefined;
    const entry = (() => {
      const connection = { socket: new Uint8Array(1024) };
      ref = new WeakRef(connection);
      return scheduleClose(5, () => connection.socket.fill(1));
    })();
    await sleep(40);
    expect(entry.active).toBe(false);
    forceGc();
    expect(ref!.deref()).toBeUndefined();
  });

  // Moved from @ws/client, whose handshake deadlines now use this timer.
  it('a throwing callback does not stop the others; a callback may cancel another', async () => {
    const fired: string[] = [];
    let later: ReturnType<typeof scheduleClose> | undefined;
    scheduleClose(15, () => {
      throw new Error('boom');
    });
    scheduleClose(15, () => {
      fired.push('second');
      cancelClose(later);
    });
    later = scheduleClose(15, () => fired.push('cancelled from a callback'));
    scheduleClose(15, () => fired.push('fourth'));
    await sleep(60);
    expect(fired).toEqual(['second', 'fourth']);
  });

  it('cancelled entries do not pile up (settled handshakes are not kept until their deadline)', () => {
    const before = heldCloseEntries();
    let peak = 0;
    for (let i = 0; i < 20_000; i++) {
      cancelClose(scheduleClose(600_000, () => {}));
      peak = Math.max(peak, heldCloseEntries() - before);
    }
    expect(peak).toBeLessThanOrEqual(128);
    // A long-lived entry among them stays.
    let fired = false;
    const keep = scheduleClose(600_000, () => {
      fired = true;
    });
    for (let i = 0; i < 1000; i++) cancelClose(scheduleClose(600_000, () => {}));
    expect(keep.active).toBe(true);
    cancelClose(keep);
    expect(fired).toBe(false);
  });
});
