import type { ClientOutcome, Mode } from '../cases/types.js';

/** Subprotocols every echo server under test supports, in its order of preference of offers. */
export const SUPPORTED_PROTOCOLS = ['chat', 'echo'] as const;

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
  startServer(): Promise<RunningServer>;
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
