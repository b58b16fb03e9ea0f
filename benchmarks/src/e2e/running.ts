import type { Candidate, SectionContext } from '../harness/types.js';
import { discoverServers, type ServerEntry, ServerProcess } from './server-process.js';

/** A server process started for a section, with what it was started from. */
export interface Running {
  name: string;
  role: Candidate['role'];
  entry: ServerEntry;
  process: ServerProcess;
  port: number;
}

/**
 * The servers of e2e/servers/ that can run here, in their order; the others are reported as
 * unavailable with their reason.
 */
export async function availableServers(ctx: SectionContext): Promise<ServerEntry[]> {
  const entries: ServerEntry[] = [];
  for (const entry of await discoverServers()) {
    const reason = await entry.server.unavailable?.();
    if (reason === undefined) entries.push(entry);
    else ctx.unavailable(entry.server.name, reason);
  }
  return entries;
}

/** Starts every available server (a failed start is a failed check); `verify` checks each once. */
export async function startServers(
  ctx: SectionContext,
  verify?: { name: string; run(port: number): Promise<string | undefined> },
): Promise<Running[]> {
  const running: Running[] = [];
  for (const entry of await availableServers(ctx)) {
    ctx.status(`starting ${entry.server.name}`);
    try {
      const started = await ServerProcess.start(entry);
      running.push({ name: entry.server.name, role: entry.server.role, entry, ...started });
    } catch (error) {
      ctx.check(`${entry.server.name}: starts`, false, (error as Error).message);
      continue;
    }
    if (verify === undefined) continue;
    const problem = await verify.run(running.at(-1)!.port).catch((error: Error) => error.message);
    ctx.check(`${entry.server.name}: ${verify.name}`, problem === undefined, problem);
  }
  return running;
}

export async function stopServers(running: readonly Running[]): Promise<void> {
  for (const server of running) await server.process.stop();
}
