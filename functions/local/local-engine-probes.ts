import type { TaskFunctionKey } from '#tasks/registry';
import type { AslDefinition } from '#workflow/asl';
import { caseLifecycleDefinition, taskStates } from '#workflow/asl';

/** One entry of the engine's event log. */
export interface EngineEvent {
  execution: string;
  type:
    | 'ExecutionStarted'
    | 'ExecutionSucceeded'
    | 'ExecutionFailed'
    | 'ExecutionAborted'
    | 'StateEntered'
    | 'StateRetried'
    | 'StateCaught'
    | 'StateFailed';
  state?: string;
  stateType?: string;
  at: number;
}

/** One in-process run of a task function, as a Lambda invocation would be billed. */
export interface TaskInvocation {
  execution: string;
  state: string;
  functionKey: TaskFunctionKey;
  durationMs: number;
  ok: boolean;
}

/** A fault injected into a task state: its function fails `times` times (before or after running). */
export interface TaskFault {
  times: number | 'always';
  /** `after`: the function's work is done, then the invocation fails (a lost response). */
  when?: 'before' | 'after';
  /** The error name Retry and Catch match on; default `Rectify.InjectedFault` (a task failure). */
  error?: string;
}

/** What a test or bench attaches to the local engine (`LocalEngineOptions.probes`). */
export interface EngineProbe {
  /** Each state transition. */
  onEvent?(event: EngineEvent): void;
  /** Each task function invocation, once it ended. */
  onInvocation?(invocation: TaskInvocation): void;
  /** A fault for this invocation of the task state, if the probe injects one. */
  faultFor?(stateName: string): TaskFault | undefined;
}

/** Keeps the state transitions and task invocations, oldest first (the oldest dropped past `limit`). */
export class EngineEventLog implements EngineProbe {
  readonly events: EngineEvent[] = [];
  readonly invocations: TaskInvocation[] = [];

  constructor(private readonly limit = 100_000) {}

  onEvent(event: EngineEvent): void {
    this.events.push(event);
    if (this.events.length > this.limit) this.events.splice(0, this.events.length - this.limit);
  }

  onInvocation(invocation: TaskInvocation): void {
    this.invocations.push(invocation);
  }
}

/** Makes task states' functions fail on demand. */
export class TaskFaults implements EngineProbe {
  private readonly faults = new Map<string, TaskFault>();
  private readonly taskNames: Set<string>;

  constructor(definition: AslDefinition = caseLifecycleDefinition) {
    this.taskNames = new Set(taskStates(definition).map((task) => task.name));
  }

  inject(stateName: string, fault: TaskFault): void {
    if (!this.taskNames.has(stateName)) throw new Error(`no task state named "${stateName}"`);
    this.faults.set(stateName, { ...fault });
  }

  clear(): void {
    this.faults.clear();
  }

  faultFor(stateName: string): TaskFault | undefined {
    const fault = this.faults.get(stateName);
    if (!fault) return undefined;
    if (fault.times !== 'always') {
      if (fault.times <= 0) return undefined;
      fault.times -= 1;
    }
    return fault;
  }
}
