/** The demo page (examples/chat) driven in headless Chromium; screenshots in results/. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chatUnavailable, runChatPage } from '../src/interop/chat-page.js';
import { chromiumUnavailable } from '../src/interop/chromium.js';

describe('examples/chat in a real browser', () => {
  it('connects, sends, receives the broadcast, closes cleanly, survives shutdown', async (context) => {
    const missing = chatUnavailable();
    // The demo is part of the project: its absence is a failure, not a skip.
    expect(missing).toBeUndefined();
    const noBrowser = await chromiumUnavailable();
    if (noBrowser !== undefined) {
      console.log(`SKIPPED chat page test: ${noBrowser}`);
      context.skip(`Chromium unavailable: ${noBrowser}`);
    }
    const { checks, screenshots, browser } = await runChatPage();
    console.log(
      `chat page in Chromium ${browser}: ${checks.length} checks; screenshots ${screenshots.join(', ')}`,
    );
    expect(checks.filter((check) => !check.ok)).toEqual([]);
    expect(checks.length).toBe(10);
    for (const file of screenshots) expect(existsSync(file)).toBe(true);
  }, 180_000);
});
