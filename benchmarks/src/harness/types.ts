/** Whose code a candidate runs: ours (@ws/*) or a reference implementation measured beside it. */
export type Role = 'ours' | 'reference';

/** One measured round of one candidate. */
export interface Sample {
  /** Operations completed in the round (calls, frames, corpus passes, messages …). */
  ops: number;
  /** Wall-clock seconds the operations took (setup excluded by the candidate). */
  seconds: number;
  /** Payload bytes processed in the round, when MB/s is meaningful. */
  bytes?: number;
  /** Further per-round figures (frames/s, latency percentiles, CPU µs per message …); medians are reported. */
  metrics?: Record<string, number>;
}

export interface Candidate {
  /** Short, stable label: 'ours', 'ws', 'ws (no bufferutil)', 'node:crypto createHash' … */
  name: string;
  role: Role;
  /** Runs `iterations` operations and reports what it measured. May be async (end-to-end runs). */
  run(iterations: number): Sample | Promise<Sample>;
  /** Called once after the workload, e.g. to stop a server process. */
  dispose?(): void | Promise<void>;
}

export interface WorkloadSpec {
  /** Stable id used in JSON and file names, e.g. 'frame-create.masked.32'. */
  id: string;
  /** The lem-shaped label printed before '>', e.g. 'creating frame xored 32b'. */
  title: string;
  /** Bytes of payload per operation: enables MB/s. Omit when a sample reports its own bytes. */
  bytesPerOp?: number;
  /** Candidates; the first 'ours' one is the primary, compared against every reference. */
  candidates: Candidate[];
  /** Iterations per round for every candidate; when absent they are calibrated to the time budget. */
  fixedIterations?: number;
  /**
   * With a fixed count, one untimed round per candidate runs first (JIT warm-up); false skips
   * it, for a candidate whose every round starts afresh (a new server process per round).
   */
  warmUp?: boolean;
  /** Rounds for this workload when it must differ from the run's (long end-to-end rounds). */
  rounds?: number;
  /** The unit one operation stands for in the lem-shaped line ('iteration' unless told). */
  opName?: string;
}

export interface CandidateResult {
  name: string;
  role: Role;
  primary: boolean;
  iterationsPerRound: number;
  rounds: Sample[];
  totalOps: number;
  totalSeconds: number;
  medianOpsPerSec: number;
  medianMBps?: number;
  medianMetrics: Record<string, number>;
}

export interface Ratio {
  ours: string;
  reference: string;
  /** ours / reference in ops per second: > 1 means ours is faster. */
  ratio: number;
}

export interface WorkloadResult {
  section: string;
  id: string;
  title: string;
  opName: string;
  bytesPerOp?: number;
  candidates: CandidateResult[];
  ratios: Ratio[];
}

export interface CheckResult {
  section: string;
  name: string;
  ok: boolean;
  detail?: string;
}

export type SectionStatus = 'ok' | 'failed' | 'unavailable' | 'error';

export interface SectionOutcome {
  id: string;
  title: string;
  status: SectionStatus;
  notes: string[];
  checks: CheckResult[];
  workloads: WorkloadResult[];
  seconds: number;
}

export interface RunOptions {
  quick: boolean;
  rounds: number;
  /** Target wall-clock time of one candidate's round, in milliseconds. */
  budgetMs: number;
}

/** What a section gets to do its work; see harness/context.ts. */
export interface SectionContext {
  readonly options: RunOptions;
  /** Prints a line of the report (above the progress line). */
  log(line: string): void;
  /** Shows what is running now (a TTY status line; throttled plain lines otherwise). */
  status(text: string): void;
  /** Records a correctness check; a false `ok` makes the section fail (exit code 1). */
  check(name: string, ok: boolean, detail?: string): boolean;
  /** Runs a correctness check given as code: a thrown error or a returned string is a failure. */
  verify(name: string, body: () => string | undefined): boolean;
  /** How many checks of this section have failed so far. */
  failedChecks(): number;
  /** Marks a part of the section (or all of it) as not available yet, with the reason. */
  unavailable(what: string, reason: string): void;
  /** Measures one workload, interleaving its candidates, and prints its lines. */
  bench(spec: WorkloadSpec): Promise<WorkloadResult>;
}

export interface Section {
  id: string;
  /** Heading printed as '### …', in the seed's words where it had one. */
  title: string;
  run(ctx: SectionContext): Promise<void>;
}
