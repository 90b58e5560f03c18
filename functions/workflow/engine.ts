/**
 * The workflow engine port. In AWS it is Step Functions; on a laptop it is the local engine running the
 * same ASL. Both start executions by deterministic name, so starting a phase twice starts it once.
 */

/** A case runs one execution per phase, so no execution approaches a year or 25,000 events. */
export const PHASES = ['intake', 'enforcement', 'after-appeal', 'resume'] as const;
type Phase = (typeof PHASES)[number];

export interface PhaseInput {
  caseId: string;
  phase: Phase;
  /** Distinguishes repeated phases of one case (e.g. the second appeal resolution). */
  round: number;
}

/** `C-20261129-7K3M2Q--intake--1`: valid as a Step Functions execution name (≤ 80, [A-Za-z0-9-_]). */
export function executionName(input: PhaseInput): string {
  return `${input.caseId}--${input.phase}--${input.round}`;
}

/** The phase an execution name was made for by `executionName`; undefined for any other name. */
export function phaseOfExecution(name: string): PhaseInput | undefined {
  const parts = /^(.+)--([a-z-]+)--(\d+)$/.exec(name);
  const phase = PHASES.find((known) => known === parts?.[2]);
  if (!parts?.[1] || !parts[3] || !phase) return undefined;
  return { caseId: parts[1], phase, round: Number(parts[3]) };
}

export type CallbackDelivery = 'delivered' | 'stale';

/** Step Functions' execution statuses; `undefined` when no execution of that name exists. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export interface WorkflowEngine {
  /** Starts the phase's execution unless one with the same name exists; never starts it twice. */
  startExecution(input: PhaseInput): Promise<{ name: string; started: boolean }>;
  /**
   * Whether the phase's execution was ever started, running or ended (Step Functions keeps an ended
   * execution's name for 90 days; the callers ask about executions hours old).
   */
  executionExists(input: PhaseInput): Promise<boolean>;
  /** The status of the execution named `name`, or undefined when there is none. */
  executionStatus(name: string): Promise<ExecutionStatus | undefined>;
  /** Answers a pending `.waitForTaskToken` step. `stale` when the step already ended (timed out, stopped). */
  sendTaskSuccess(token: string, output: Record<string, unknown>): Promise<CallbackDelivery>;
  /** Stops a running execution (dismissal, appeal hold); stopping a finished one is not an error. */
  stopExecution(name: string, cause: string): Promise<void>;
}
