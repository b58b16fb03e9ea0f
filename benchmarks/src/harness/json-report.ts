import { arch, cpus, platform, release, totalmem } from 'node:os';
import type { RunOptions, SectionOutcome } from './types.js';

export interface MachineInfo {
  node: string;
  v8: string;
  platform: string;
  arch: string;
  osRelease: string;
  cpuModel: string;
  cpuCount: number;
  totalMemoryBytes: number;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: platform(),
    arch: arch(),
    osRelease: release(),
    cpuModel: list[0]?.model ?? 'unknown',
    cpuCount: list.length,
    totalMemoryBytes: totalmem(),
  };
}

export interface RunReport {
  schema: 1;
  startedAt: string;
  finishedAt: string;
  options: RunOptions;
  machine: MachineInfo;
  references: Record<string, string>;
  ok: boolean;
  sections: SectionOutcome[];
}

/** latest.json: everything measured, every round kept, so later tools can re-derive any figure. */
export function jsonReport(report: RunReport): string {
  return `${JSON.stringify(report, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value), 2)}\n`;
}
