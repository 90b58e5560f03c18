import type { CallbackDelivery, ExecutionStatus, PhaseInput, WorkflowEngine } from '#workflow/engine';
import { executionName } from '#workflow/engine';

/**
 * A workflow engine that records what the API asks of it: executions started (once per name, like the
 * real engines), callbacks answered and executions stopped. Faults are switched on per call kind.
 */
export class RecordingEngine implements WorkflowEngine {
  readonly executions: string[] = [];
  readonly startCalls: PhaseInput[] = [];
  readonly answered: { token: string; output: Record<string, unknown> }[] = [];
  readonly stopped: { name: string; cause: string }[] = [];
  private readonly waiting = new Set<string>();
  fail: { start?: Error; callback?: Error; stop?: Error } = {};
  /** Holds startExecution until released, to keep a request in flight. */
  startGate?: Promise<void>;

  /** A step that waits for a person, as the workflow opens it. */
  openStep(token: string): void {
    this.waiting.add(token);
  }

  async startExecution(input: PhaseInput): Promise<{ name: string; started: boolean }> {
    this.startCalls.push(input);
    if (this.startGate) await this.startGate;
    if (this.fail.start) throw this.fail.start;
    const name = executionName(input);
    if (this.executions.includes(name)) return { name, started: false };
    this.executions.push(name);
    return { name, started: true };
  }

  async executionExists(input: PhaseInput): Promise<boolean> {
    if (this.fail.start) throw this.fail.start;
    return this.executions.includes(executionName(input));
  }

  /** Executions that stopped (ended, failed) by name; every other started one is running. */
  readonly ended = new Map<string, ExecutionStatus>();

  async executionStatus(name: string): Promise<ExecutionStatus | undefined> {
    if (!this.executions.includes(name)) return undefined;
    return this.ended.get(name) ?? 'RUNNING';
  }

  async sendTaskSuccess(token: string, output: Record<string, unknown>): Promise<CallbackDelivery> {
    if (this.fail.callback) throw this.fail.callback;
    if (!this.waiting.delete(token)) return 'stale';
    this.answered.push({ token, output });
    return 'delivered';
  }

  async stopExecution(name: string, cause: string): Promise<void> {
    if (this.fail.stop) throw this.fail.stop;
    this.stopped.push({ name, cause });
  }
}
