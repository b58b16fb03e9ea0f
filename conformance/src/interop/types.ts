export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export type PairingStatus = 'passed' | 'failed' | 'skipped';

export interface PairingResult {
  id: string;
  /** e.g. "ws client → @ws/server". */
  title: string;
  status: PairingStatus;
  /** Why it was skipped, or what failed. */
  reason?: string;
  /** The peer's version, as it reported it. */
  runtime?: string;
  checks: Check[];
  ms: number;
}

export interface Pairing {
  id: string;
  title: string;
  /** undefined when the peer can be had, else why not. */
  unavailable(): Promise<string | undefined>;
  run(): Promise<{ checks: Check[]; runtime?: string }>;
}

export async function runPairing(pairing: Pairing): Promise<PairingResult> {
  const started = performance.now();
  const base = { id: pairing.id, title: pairing.title };
  const reason = await pairing
    .unavailable()
    .catch((error: unknown) => `probe failed: ${String(error)}`);
  if (reason !== undefined) {
    return {
      ...base,
      status: 'skipped',
      reason,
      checks: [],
      ms: Math.round(performance.now() - started),
    };
  }
  try {
    const { checks, runtime } = await pairing.run();
    const failedChecks = checks.filter((check) => !check.ok);
    return {
      ...base,
      status: checks.length > 0 && failedChecks.length === 0 ? 'passed' : 'failed',
      ...(failedChecks.length > 0
        ? { reason: failedChecks.map((check) => `${check.name}: ${check.detail}`).join('; ') }
        : checks.length === 0
          ? { reason: 'no checks ran' }
          : {}),
      ...(runtime ? { runtime } : {}),
      checks,
      ms: Math.round(performance.now() - started),
    };
  } catch (error) {
    return {
      ...base,
      status: 'failed',
      reason: error instanceof Error ? error.message : String(error),
      checks: [],
      ms: Math.round(performance.now() - started),
    };
  }
}

/** A peer server's log line saying it received our client's close 4000 "bye 👋". */
export function isClientClose(line: string): boolean {
  try {
    const close = JSON.parse(line) as { close?: unknown; reason?: unknown };
    return close.close === 4000 && close.reason === 'bye 👋';
  } catch {
    return false;
  }
}
