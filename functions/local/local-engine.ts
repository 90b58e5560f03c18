import '#workflow/promise-with-resolvers';
import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RunOptions, StateMachineDefinition } from 'aws-local-stepfunctions';
import { StateMachine } from 'aws-local-stepfunctions';
import { assertPolicyFitsWorkflow } from '#app/procedure';
import type { TaskDeps, TaskHandler } from '#tasks/task-kit';
import type { TaskFunctionKey } from '#tasks/registry';
import { TASK_FUNCTIONS } from '#tasks/registry';
import type { AslDefinition, TaskStateInfo } from '#workflow/asl';
import { CONTENDED_TASK_CONCURRENCY } from '#shared/time-limits';
import {
  RESULT_FIELDS,
  caseLifecycleDefinition,
  substitute,
  substitutionKeys,
  taskStates,
  valueAtPath,
} from '#workflow/asl';
import type {
  CallbackDelivery,
  ExecutionStatus as EngineExecutionStatus,
  PhaseInput,
  WorkflowEngine,
} from '#workflow/engine';
import { executionName } from '#workflow/engine';
import type { ExecutionOutcome } from './local-engine-executions';
import { ExecutionRecords } from './local-engine-executions';
import type { EngineEvent, EngineProbe, TaskFault } from './local-engine-probes';
import { TaskSlots } from './local-engine-slots';

export type { ExecutionOutcome } from './local-engine-executions';

/**
 * The workflow engine on a laptop: aws-local-stepfunctions runs the same ASL file Step Functions runs,
 * with the task functions in-process. What the library does not emulate, this adapter adds:
 * - `.waitForTaskToken`: the ASL passes `$$.Task.Token`; the adapter replaces the placeholder the library
 *   resolves it to with a real random token, holds the step open until `sendTaskSuccess`/`Failure`, and
 *   lets the library's `TimeoutSecondsPath` timer end it (the token turns stale at the same moment).
 * - the `lambda:invoke` response shape: handlers' results are wrapped as `{Payload}`.
 * - executions recorded in the case table (local-engine-executions.ts), so `startExecution` starts a name
 *   once and `resumeOpenExecutions()` re-runs every open execution from its start after a restart —
 *   safe because every task is idempotent.
 * - a Lambda-like concurrency limit on task functions (local-engine-slots.ts) and fast retries.
 * - hooks for probes a test or bench attaches (local-engine-probes.ts): the state transitions, each task
 *   invocation, and faults to inject.
 */

/** What `$$.Task.Token` resolves to inside the library; replaced by a real token per callback. */
const TASK_TOKEN_PLACEHOLDER = 'local-engine-task-token';

/**
 * Node timers overflow past 2^31-1 ms (≈ 24.8 days) and fire at once. An engine wait longer than this
 * (only possible with little or no acceleration) is cut short; the task after it finds the legal time
 * not yet reached and waits again.
 */
const MAX_ENGINE_WAIT_MS = 20 * 24 * 60 * 60 * 1000;

/**
 * Node timers can fire a few milliseconds before the engine time they were set for — under acceleration,
 * hours of legal time. Waits end this much later, so a step never wakes before its legal moment (it would
 * only find the time not yet come and wait again).
 */
const WAKE_MARGIN_MS = 10;

/** Step Functions reads a Wait state's timestamp to the whole second, dropping the rest. */
export const STEP_FUNCTIONS_WAIT_RESOLUTION_MS = 1_000;

/**
 * Task functions running at once, as a Lambda concurrency limit would allow. Every in-process function
 * shares one DynamoDB client: with a thousand executions at once, its requests queued for a connection
 * until they timed out, the steps failed, and so did recording their failure — cases stopped silently.
 * Further invocations wait here for a slot instead, inside the task's own timeout.
 */
export const DEFAULT_TASK_CONCURRENCY = CONTENDED_TASK_CONCURRENCY;

export interface LocalEngineOptions {
  /** The task functions' dependencies; the engine adds itself as `engine`. */
  taskDeps: Omit<TaskDeps, 'engine'>;
  /** Where executions are recorded: the case table. */
  doc: DynamoDBDocumentClient;
  tableName: string;
  definition?: AslDefinition;
  /** Every retry waits this long instead of the ASL's interval (Step Functions' back-off is for AWS). */
  retryIntervalMs?: number;
  maxEngineWaitMs?: number;
  /**
   * A Wait state's timestamp is cut to this many milliseconds, as Step Functions cuts it to whole seconds
   * (`STEP_FUNCTIONS_WAIT_RESOLUTION_MS`): a task that asked for 23:59:59.999 wakes at 23:59:59.000. The
   * default keeps milliseconds, because under acceleration one engine second is days of legal time; a
   * test that runs in real time sets 1000 to see what AWS would do.
   */
  waitTimestampResolutionMs?: number;
  /** What tests and benches attach: an event log, fault injection (local-engine-probes.ts). */
  probes?: readonly EngineProbe[];
  /** Task functions running at once (default DEFAULT_TASK_CONCURRENCY). */
  taskConcurrency?: number;
  log?: (message: string) => void;
}

interface Run {
  name: string;
  input: PhaseInput;
  abort: () => void;
  stopped: 'no' | 'by-request' | 'by-shutdown';
  outcome?: ExecutionOutcome;
  done: Promise<ExecutionOutcome>;
}

interface WaitingCallback {
  execution: string;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

type LocalTaskHandler = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>[string];

class NamedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export class LocalWorkflowEngine implements WorkflowEngine {
  private readonly definition: AslDefinition;
  private readonly machine: StateMachine;
  private readonly tasks: Map<string, TaskStateInfo>;
  private readonly handlers: Map<TaskFunctionKey, TaskHandler>;
  private readonly runs = new Map<string, Run>();
  private readonly callbacks = new Map<string, WaitingCallback>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly slots: TaskSlots;
  private readonly records: ExecutionRecords;
  private readonly probes: readonly EngineProbe[];
  private readonly maxEngineWaitMs: number;
  private readonly log: (message: string) => void;
  private closed = false;

  constructor(private readonly options: LocalEngineOptions) {
    assertPolicyFitsWorkflow(options.taskDeps.policy, options.taskDeps.calendar);
    this.definition = options.definition ?? caseLifecycleDefinition;
    const keys = substitutionKeys(this.definition);
    for (const key of keys)
      if (!(key in TASK_FUNCTIONS))
        throw new Error(`the workflow names a task function no registry entry provides: ${key}`);
    const substituted = substitute(
      this.definition,
      Object.fromEntries(keys.map((key) => [key, `arn:aws:lambda:local:000000000000:function:${key}`])),
    );
    // The library validates the definition with asl-validator before running it.
    this.machine = new StateMachine(substituted as unknown as StateMachineDefinition, {
      validationOptions: { checkArn: true, checkPaths: true },
    });
    this.tasks = new Map(taskStates(this.definition).map((task) => [task.name, task]));
    const deps: TaskDeps = { ...options.taskDeps, engine: this };
    this.handlers = new Map(Object.entries(TASK_FUNCTIONS).map(([key, fn]) => [key as TaskFunctionKey, fn.make(deps)]));
    this.maxEngineWaitMs = options.maxEngineWaitMs ?? MAX_ENGINE_WAIT_MS;
    this.slots = new TaskSlots(options.taskConcurrency ?? DEFAULT_TASK_CONCURRENCY);
    this.records = new ExecutionRecords(options.doc, options.tableName);
    this.probes = options.probes ?? [];
    this.log = options.log ?? (() => undefined);
  }

  // -------------------------------------------------------------------------------------------------
  // The WorkflowEngine port
  // -------------------------------------------------------------------------------------------------

  async startExecution(input: PhaseInput): Promise<{ name: string; started: boolean }> {
    this.assertOpen();
    const name = executionName(input);
    if (!(await this.records.recordStart(name, input))) return { name, started: false };
    this.launch(name, input);
    return { name, started: true };
  }

  async executionExists(input: PhaseInput): Promise<boolean> {
    return (await this.records.get(executionName(input))) !== undefined;
  }

  async executionStatus(name: string): Promise<EngineExecutionStatus | undefined> {
    return (await this.describeExecution(name))?.status;
  }

  async sendTaskSuccess(token: string, output: Record<string, unknown>): Promise<CallbackDelivery> {
    const waiting = this.takeCallback(token);
    if (!waiting) return 'stale';
    waiting.resolve(output);
    return 'delivered';
  }

  async stopExecution(name: string, cause: string): Promise<void> {
    const run = this.runs.get(name);
    if (run && !run.outcome) {
      run.stopped = 'by-request';
      this.endRun(run, `stopped: ${cause}`);
      await run.done;
      return;
    }
    // Not running here (never started, finished, or not resumed yet): close its record if it is open.
    const item = await this.records.get(name);
    if (item?.status === 'RUNNING') await this.records.recordEnd(name, { name, status: 'ABORTED', cause });
  }

  // -------------------------------------------------------------------------------------------------
  // Local operations
  // -------------------------------------------------------------------------------------------------

  /** Re-runs, from its start, every execution recorded as running (after a restart). */
  async resumeOpenExecutions(): Promise<string[]> {
    this.assertOpen();
    const resumed: string[] = [];
    for await (const { name, input } of this.records.open()) {
      const existing = this.runs.get(name);
      if (existing && !existing.outcome) continue;
      this.log(`resuming ${name} from its start`);
      this.launch(name, input);
      resumed.push(name);
    }
    return resumed;
  }

  /** Resolves when the execution ends (or throws after `timeoutMs`). */
  async waitForExecution(name: string, timeoutMs = 60_000): Promise<ExecutionOutcome> {
    const run = this.runs.get(name);
    if (!run) {
      const item = await this.records.get(name);
      if (!item) throw new Error(`no execution named ${name}`);
      if (item.status === 'RUNNING')
        throw new Error(`execution ${name} is open but not running in this engine; resume it first`);
      return { name, status: item.status, error: item.error, cause: item.cause };
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        run.done,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`execution ${name} did not end within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The status recorded for an execution, whether or not it runs in this engine. */
  async describeExecution(name: string): Promise<ExecutionOutcome | undefined> {
    const run = this.runs.get(name);
    if (run) return run.outcome ?? { name, status: 'RUNNING' };
    const item = await this.records.get(name);
    return item ? { name, status: item.status, error: item.error, cause: item.cause } : undefined;
  }

  /** Names of the executions running in this engine now. */
  runningExecutions(): string[] {
    return [...this.runs.values()].filter((run) => !run.outcome).map((run) => run.name);
  }

  /**
   * Stops every run without recording it as ended, so a new engine over the same table resumes them:
   * what a process exit does, but clean. Waits for task functions already running to finish.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const run of this.runs.values()) {
      if (!run.outcome) {
        run.stopped = 'by-shutdown';
        this.endRun(run, 'the local engine is shutting down');
      }
    }
    await Promise.allSettled([...this.runs.values()].map((run) => run.done));
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  // -------------------------------------------------------------------------------------------------
  // Running executions
  // -------------------------------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new Error('the local workflow engine is closed');
  }

  private launch(name: string, input: PhaseInput): void {
    const overrides = {
      taskResourceLocalHandlers: Object.fromEntries(
        [...this.tasks.values()].map((task) => [task.name, this.taskRunner(name, task)]),
      ),
      ...(this.options.retryIntervalMs !== undefined
        ? {
            retryIntervalOverrides: Object.fromEntries(
              [...this.tasks.keys()].map((state) => [state, this.options.retryIntervalMs as number]),
            ),
          }
        : {}),
    };
    const execution = this.machine.run(
      { caseId: input.caseId, phase: input.phase, round: input.round },
      {
        overrides,
        noThrowOnAbort: true,
        context: {
          Task: { Token: TASK_TOKEN_PLACEHOLDER },
          Execution: { Name: name, Id: `arn:aws:states:local:000000000000:execution:case-lifecycle:${name}` },
        },
      },
    );
    const logged = this.consumeEventLog(name, execution.eventLogs);
    const settle = async (): Promise<ExecutionOutcome> => {
      let outcome: ExecutionOutcome;
      try {
        const output = await execution.result;
        outcome = run.stopped === 'no' ? { name, status: 'SUCCEEDED', output } : { name, status: 'ABORTED' };
      } catch (error) {
        const cause = (error as { cause?: { name?: string; message?: string } }).cause;
        outcome = { name, status: 'FAILED', error: cause?.name ?? 'Error', cause: cause?.message ?? String(error) };
      }
      await logged;
      run.outcome = outcome;
      if (run.stopped !== 'by-shutdown') {
        try {
          await this.records.recordEnd(name, outcome);
        } catch (error) {
          // The table is unreachable: the execution stays recorded as open, so the next resume runs it
          // again (every task is idempotent). Nothing awaits this promise, so throwing would end the process.
          this.log(
            `${name} ended ${outcome.status} but its end could not be recorded; it stays open: ${String(error)}`,
          );
        }
      }
      this.log(`${name} ${outcome.status}${outcome.error ? ` (${outcome.error})` : ''}`);
      return outcome;
    };
    const run: Run = { name, input, abort: execution.abort, stopped: 'no', done: settle() };
    this.runs.set(name, run);
  }

  private endRun(run: Run, reason: string): void {
    run.abort();
    // A step waiting for a person will get no answer now: end it so the run can unwind.
    for (const [token, waiting] of this.callbacks) {
      if (waiting.execution === run.name) {
        this.takeCallback(token);
        waiting.reject(new NamedError('Rectify.ExecutionStopped', reason));
      }
    }
  }

  private async consumeEventLog(
    name: string,
    eventLogs: AsyncGenerator<{ type: string; timestamp: number; state?: { name: string; type: string } }>,
  ): Promise<void> {
    for await (const event of eventLogs) {
      if (event.type === 'StateExited') continue;
      const entry: EngineEvent = {
        execution: name,
        type: event.type as EngineEvent['type'],
        state: event.state?.name,
        stateType: event.state?.type,
        at: event.timestamp,
      };
      for (const probe of this.probes) probe.onEvent?.(entry);
    }
  }

  private taskRunner(execution: string, task: TaskStateInfo): LocalTaskHandler {
    // Task functions return JSON; the library's handler type says so.
    return ((input: unknown): Promise<unknown> => {
      const run = this.runs.get(execution);
      // Nothing runs for an execution that was stopped: in AWS a stopped execution schedules no task.
      if (!run || run.stopped !== 'no')
        return Promise.reject(new NamedError('Rectify.ExecutionStopped', `${execution} was stopped`));
      const payload = (input as { Payload?: unknown } | null)?.Payload;
      if (task.callback) return this.openCallback(execution, task, input, payload);
      return this.invoke(execution, task, payload).then((result) => ({
        Payload: this.limitEngineWaits(execution, task.name, result),
      }));
    }) as LocalTaskHandler;
  }

  /** Runs a task function as one Lambda invocation would (with any injected fault). */
  private invoke(execution: string, task: TaskStateInfo, payload: unknown): Promise<unknown> {
    const handler = this.handlers.get(task.functionKey as TaskFunctionKey);
    if (!handler) return Promise.reject(new Error(`no handler for ${task.functionKey}`));
    const fault = this.faultFor(task.name);
    let started = performance.now();
    const invocation = (async () => {
      const release = await this.slots.take();
      started = performance.now();
      try {
        if (fault?.when !== 'after' && fault)
          throw new NamedError(fault.error ?? 'Rectify.InjectedFault', `fault injected before ${task.name}`);
        const result = await handler(payload);
        if (fault) throw new NamedError(fault.error ?? 'Rectify.InjectedFault', `fault injected after ${task.name}`);
        return result;
      } finally {
        release();
      }
    })();
    const record = (ok: boolean) => {
      const ended = {
        execution,
        state: task.name,
        functionKey: task.functionKey as TaskFunctionKey,
        durationMs: performance.now() - started,
        ok,
      };
      for (const probe of this.probes) probe.onInvocation?.(ended);
    };
    const tracked = invocation.then(
      (result) => {
        record(true);
        return result;
      },
      (error: unknown) => {
        record(false);
        throw error;
      },
    );
    this.inFlight.add(tracked);
    void tracked.catch(() => undefined).finally(() => this.inFlight.delete(tracked));
    return tracked;
  }

  /** The fault a probe injects into this invocation of a task state, if any. */
  private faultFor(stateName: string): TaskFault | undefined {
    for (const probe of this.probes) {
      const fault = probe.faultFor?.(stateName);
      if (fault) return fault;
    }
    return undefined;
  }

  /**
   * A `.waitForTaskToken` step: a fresh token replaces the placeholder, the function (which stores the
   * token on the case, or answers at once) runs, and the step waits for the answer. The library times the
   * step out by `TimeoutSecondsPath`; the token turns stale at that moment.
   */
  private openCallback(execution: string, task: TaskStateInfo, input: unknown, payload: unknown): Promise<unknown> {
    const token = randomBytes(24).toString('base64url');
    const timeoutSeconds = task.timeoutSecondsPath ? valueAtPath(input, task.timeoutSecondsPath) : task.timeoutSeconds;
    if (typeof timeoutSeconds !== 'number')
      return Promise.reject(new Error(`callback state "${task.name}" has no timeout`));
    const answered = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => this.takeCallback(token), timeoutSeconds * 1000);
      this.callbacks.set(token, { execution, resolve, reject, timer });
    });
    // The step can end (stopped, timed out) while its function still runs, before anything awaits the
    // answer; marked handled here so that is not an unhandled rejection, which would end the process.
    answered.catch(() => undefined);
    const withToken = { ...(payload as Record<string, unknown>), token };
    return this.invoke(execution, task, withToken).then(
      () => answered,
      (error: unknown) => {
        this.takeCallback(token);
        throw error;
      },
    );
  }

  private takeCallback(token: string): WaitingCallback | undefined {
    const waiting = this.callbacks.get(token);
    if (!waiting) return undefined;
    clearTimeout(waiting.timer);
    this.callbacks.delete(token);
    return waiting;
  }

  private limitEngineWaits(execution: string, state: string, result: unknown): unknown {
    if (!result || typeof result !== 'object') return result;
    const limited = { ...(result as Record<string, unknown>) };
    const latest = Date.now() + this.maxEngineWaitMs;
    const wakeAt = limited[RESULT_FIELDS.wakeAt];
    if (typeof wakeAt === 'string') {
      const resolution = this.options.waitTimestampResolutionMs ?? 1;
      const wake = Math.floor(Date.parse(wakeAt) / resolution) * resolution + WAKE_MARGIN_MS;
      limited[RESULT_FIELDS.wakeAt] = new Date(Math.min(wake, latest)).toISOString();
      if (wake > latest)
        this.log(`${execution}: ${state} asked to sleep until ${wakeAt}; waking earlier to look again`);
    }
    const seconds = limited[RESULT_FIELDS.engineTimeoutSeconds];
    if (typeof seconds === 'number' && seconds * 1000 > this.maxEngineWaitMs) {
      limited[RESULT_FIELDS.engineTimeoutSeconds] = Math.floor(this.maxEngineWaitMs / 1000);
      this.log(`${execution}: ${state} asked for a ${seconds} s callback; ending it earlier to look again`);
    }
    return limited;
  }
}
