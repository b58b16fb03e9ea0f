/** Headless Chromium (Debian package, /usr/bin/chromium) driven by playwright-core. */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { PEERS_DIR } from './process.js';
import { compressedOnTheWire, serverSawClientClose, startInteropServer } from './scenario.js';
import type { Check, Pairing } from './types.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  version: string;
  close(): Promise<void>;
}

/** A fresh headless Chromium with its own throw-away profile directory. */
export async function launchChromium(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'conformance-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      timeout: 60_000,
    });
    const version = context.browser()?.version() ?? 'unknown';
    return {
      context,
      version,
      async close() {
        await context.close().catch(() => {});
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}

let chromiumProbe: Promise<string | undefined> | undefined;

/** Whether Chromium starts, probed once per process (several pairings ask). */
export function chromiumUnavailable(): Promise<string | undefined> {
  chromiumProbe ??= probeChromium();
  return chromiumProbe;
}

async function probeChromium(): Promise<string | undefined> {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (install the Debian package chromium)`;
  try {
    const browser = await launchChromium();
    await browser.close();
    return undefined;
  } catch (error) {
    return `Chromium does not start: ${String(error instanceof Error ? error.message : error).split('\n')[0]}`;
  }
}

/** The WHATWG scenario in a page of a fresh Chromium, against our interop server. */
async function runInChromium(options: { deflate?: boolean }) {
  const server = await startInteropServer(options);
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(`http://127.0.0.1:${server.port}/`);
    const source = (await readFile(join(PEERS_DIR, 'whatwg-client.mjs'), 'utf8')).replace(
      'export async function runScenario',
      'async function runScenario',
    );
    const checks = (await page.evaluate(
      `(async () => { ${source}\nreturn runScenario(WebSocket, 'ws://127.0.0.1:${server.port}', ${JSON.stringify(options)}); })()`,
    )) as Check[];
    checks.push(await serverSawClientClose(server));
    if (options.deflate) checks.push(...compressedOnTheWire(server.traffic));
    return { checks, runtime: `chromium ${browser.version}` };
  } finally {
    await browser.close();
    await server.stop();
  }
}

export const chromiumToOurServer: Pairing = {
  id: 'chromium→ours-server',
  title: 'headless Chromium → @ws/server',
  unavailable: chromiumUnavailable,
  run: () => runInChromium({}),
};

/**
 * Chromium offers `permessage-deflate; client_max_window_bits`; our server accepts it, and the
 * page checks `WebSocket.extensions` and sends 200 KiB of JSON and 256 KiB of random bytes.
 */
export const chromiumToOurServerDeflate: Pairing = {
  id: 'chromium→ours-server+deflate',
  title: 'headless Chromium → @ws/server, permessage-deflate on both sides',
  unavailable: chromiumUnavailable,
  run: () => runInChromium({ deflate: true }),
};
