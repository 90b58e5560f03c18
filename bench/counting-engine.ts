import type { CallbackDelivery, PhaseInput, WorkflowEngine } from '#workflow/engine';
import { executionName } from '#workflow/engine';

/** The workflow engine of the API and import benchmarks: starting an execution is one Step Functions call, counted here, not run. */
export class CountingEngine implements WorkflowEngine {
  readonly started = new Set<string>();
  async startExecution(input: PhaseInput) {
    const name = executionName(input);
    const started = !this.started.has(name);
    this.started.add(name);
    return { name, started };
  }
  async executionExists(input: PhaseInput): Promise<boolean> {
    return this.started.has(executionName(input));
  }
  async executionStatus(name: string): Promise<'RUNNING' | undefined> {
    return this.started.has(name) ? 'RUNNING' : undefined;
  }
  async sendTaskSuccess(): Promise<CallbackDelivery> {
    return 'stale';
  }
  async stopExecution(): Promise<void> {}
}
