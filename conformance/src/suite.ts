/** Runs the case suite against one target, both sides. */
import { ALL_CASES } from './cases/index.js';
import type { Case, Group, Mode } from './cases/types.js';
import { type CaseResult, runClientCase, runServerCase, ScriptedServer } from './runner.js';
import type { Target } from './targets/types.js';

export interface SuiteOptions {
  groups?: readonly Group[];
  modes?: readonly Mode[];
  /** Only cases whose id contains this. */
  filter?: string;
  onResult?: (result: CaseResult) => void;
  /** Replaces every case's hang guard (ms): for peers known to hang, to keep runs short. */
  guardMs?: number;
}

export interface TargetReport {
  target: Target['name'];
  label: string;
  /** Set when the target could not be run at all. */
  unavailable?: string;
  results: CaseResult[];
}

export function selectCases(options: SuiteOptions, mode: Mode): Case[] {
  return ALL_CASES.filter(
    (c) =>
      (c.modes ?? ['server', 'client']).includes(mode) &&
      (options.groups === undefined || options.groups.includes(c.group)) &&
      (options.filter === undefined || c.id.includes(options.filter)),
  );
}

export async function runSuite(target: Target, options: SuiteOptions = {}): Promise<TargetReport> {
  const unavailable = await target.unavailable();
  if (unavailable !== undefined)
    return { target: target.name, label: target.label, unavailable, results: [] };
  const results: CaseResult[] = [];
  const sides = target.sides ?? ['server', 'client'];
  const modes = (options.modes ?? ['server', 'client']).filter((mode) => sides.includes(mode));
  if (modes.includes('server')) {
    const cases = selectCases(options, 'server');
    const server = await target.startServer();
    // The permessage-deflate cases run against a second server with compression on.
    const deflateServer = cases.some((c) => c.deflate !== undefined)
      ? await target.startServer({ deflate: true })
      : undefined;
    try {
      for (const c of cases) {
        const port = c.deflate !== undefined && deflateServer ? deflateServer.port : server.port;
        const result = await runServerCase(c, target, port, options.guardMs);
        results.push(result);
        options.onResult?.(result);
      }
    } finally {
      await server.stop();
      await deflateServer?.stop();
    }
  }
  if (modes.includes('client')) {
    const scripted = new ScriptedServer();
    await scripted.start();
    try {
      for (const c of selectCases(options, 'client')) {
        const result = await runClientCase(c, target, scripted, options.guardMs);
        results.push(result);
        options.onResult?.(result);
      }
    } finally {
      await scripted.stop();
    }
  }
  return { target: target.name, label: target.label, results };
}
