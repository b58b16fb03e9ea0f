/**
 * The demo (examples/chat) in a real browser: two headless Chromium tabs load the page, one
 * sends, both show the broadcast, one closes cleanly, then the server shuts down gracefully.
 * Screenshots go to conformance/results/.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { stop } from './process.js';
import type { Check } from './types.js';

export const CHAT_DIR = fileURLToPath(new URL('../../../examples/chat/', import.meta.url));
export const CHAT_MAIN = `${CHAT_DIR}src/main.ts`;
const RESULTS_DIR = fileURLToPath(new URL('../../results/', import.meta.url));

export function chatUnavailable(): string | undefined {
  return existsSync(CHAT_MAIN) ? undefined : `${CHAT_MAIN} does not exist yet`;
}

interface ChatProcess {
  child: ChildProcess;
  url: string;
  lines: string[];
  exited: Promise<number | null>;
}

/** Starts `examples/chat` on an ephemeral port (`--port 0`) and reads its URL from its log. */
function startChatProcess(): Promise<ChatProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--port', '0'], {
      cwd: CHAT_DIR,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let buffer = '';
    let stderr = '';
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    const timer = setTimeout(() => {
      stop(child);
      reject(new Error(`examples/chat printed no URL within 60 s: ${stderr.slice(-300)}`));
    }, 60_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        const match = /(http:\/\/[^\s/]+\/)/.exec(line);
        if (match && lines.length === 1) {
          clearTimeout(timer);
          resolve({ child, url: match[1]!, lines, exited });
        }
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`examples/chat exited with ${code}: ${stderr.slice(-300)}`));
    });
  });
}

const logText = (page: Page) => page.locator('#log').textContent();

async function waitForText(page: Page, selector: string, text: string): Promise<boolean> {
  try {
    await page.waitForFunction(
      ([sel, want]) => document.querySelector(sel!)?.textContent?.includes(want!) ?? false,
      [selector, text],
      { timeout: 15_000 },
    );
    return true;
  } catch {
    return false;
  }
}

export async function runChatPage(): Promise<{
  checks: Check[];
  screenshots: string[];
  browser: string;
}> {
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: unknown = '') =>
    checks.push({ name, ok, detail: String(detail) });
  const screenshots: string[] = [];
  const chat = await startChatProcess();
  const browser = await launchChromium();
  try {
    const alice = await browser.context.newPage();
    const bob = await browser.context.newPage();
    await alice.goto(chat.url);
    check(
      'page A connects (subprotocol chat.v1)',
      await waitForText(alice, '#status', 'connected (chat.v1)'),
      await alice.locator('#status').textContent(),
    );
    await bob.goto(chat.url);
    check(
      'page B connects',
      await waitForText(bob, '#status', 'connected (chat.v1)'),
      await bob.locator('#status').textContent(),
    );
    check(
      'page A is told that B joined',
      await waitForText(alice, '#log', 'joined (2 online)'),
      await logText(alice),
    );

    const message = 'hello from A — κόσμε 😀';
    await alice.fill('#text', message);
    await alice.click('button');
    check(
      'page A receives its own message back',
      await waitForText(alice, '#log', `: ${message}`),
      await logText(alice),
    );
    check(
      'page B receives the broadcast',
      await waitForText(bob, '#log', `: ${message}`),
      await logText(bob),
    );
    const shotA = `${RESULTS_DIR}chat-page.png`;
    await alice.screenshot({ path: shotA, fullPage: true });
    screenshots.push(shotA);

    const closed = (await alice.evaluate(
      `new Promise((resolve) => {
        socket.addEventListener('close', (event) => resolve({ code: event.code, wasClean: event.wasClean }));
        socket.close(1000, 'done');
      })`,
    )) as { code: number; wasClean: boolean };
    check(
      'page A closes cleanly with 1000',
      closed.code === 1000 && closed.wasClean,
      JSON.stringify(closed),
    );
    check(
      'page B is told that A left',
      await waitForText(bob, '#log', 'left (1 online)'),
      await logText(bob),
    );
    check(
      'the server logged the 1000 close',
      chat.lines.some((line) => /left \(1000\b/.test(line)),
      chat.lines.join(' | '),
    );

    stop(chat.child);
    const code = await Promise.race([
      chat.exited,
      new Promise((r) => setTimeout(() => r('timeout'), 15_000)),
    ]);
    check('SIGTERM shuts the server down gracefully (exit 0)', code === 0, `exit ${String(code)}`);
    check(
      'page B sees the shutdown close 1001',
      await waitForText(bob, '#status', 'disconnected: 1001'),
      await bob.locator('#status').textContent(),
    );
    const shotB = `${RESULTS_DIR}chat-page-after-shutdown.png`;
    await bob.screenshot({ path: shotB, fullPage: true });
    screenshots.push(shotB);
  } finally {
    await browser.close();
    stop(chat.child);
  }
  return { checks, screenshots, browser: browser.version };
}
