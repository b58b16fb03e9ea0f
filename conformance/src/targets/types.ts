import type { ClientOutcome, Mode } from '../cases/types.js';

/** Subprotocols every echo server under test supports, in its order of preference of offers. */
export const SUPPORTED_PROTOCOLS = ['chat', 'echo'] as const;

/**
 * The echo servers for the permessage-deflate groups: compression on, every message compressed
 * (threshold 0, so small messages are exercised too), and a 1 MiB message limit so that the
 * decompression-bomb cases stay cheap.
 */
export const DEFLATE_MAX_MESSAGE = 1024 * 1024;

export interface ServerSetup {
  /** permessage-deflate on (see DEFLATE_MAX_MESSAGE). */
  deflate?: boolean;
}

export interface RunningServer {
  port: number;
  stop(): Promise<void>;
}

/**
 * An implementation under test: an echo server (text comes back as text, binary as binary) and
 * an echo client agent that connects to a URL and echoes everything it receives.
 */
export interface Target {
  name: 'ws' | 'ours' | 'ours-standalone';
  label: string;
  /** The sides this target has (default both). */
  sides?: readonly Mode[];
  /** undefined when usable, else why not (e.g. the package is not built). */
  unavailable(): Promise<string | undefined>;
  startServer(setup?: ServerSetup): Promise<RunningServer>;
  /** Runs the echo client against `url`; settles when its connection has ended. */
  runClient(url: string, protocols: readonly string[]): Promise<Omit<ClientOutcome, 'settled'>>;
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const kind = (error as { kind?: unknown }).kind;
    return `${error.name}${typeof kind === 'string' ? `(${kind})` : ''}: ${error.message}`;
  }
  return String(error);
}
