import type { CfnResource } from 'aws-cdk-lib';
import {
  API_FUNCTION_TIMEOUT_SECONDS,
  API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS,
  COLD_START_ALLOWANCE_SECONDS,
  CONFLICT_ATTEMPTS,
  CONFLICT_ATTEMPT_WORK_MS,
  CONTENDED_TASK_CONCURRENCY,
  SELF_ANSWER_TIMEOUT_SECONDS,
  TASK_FUNCTION_TIMEOUT_SECONDS,
  TASK_STATE_TIMEOUT_SECONDS,
  conflictBackoffWorstCaseMs,
  sdkCallWorstCaseMs,
} from '#shared/time-limits';
import { LAMBDA_INVOKE, caseLifecycleDefinition } from '#workflow/asl';
import { DEFAULT_TASK_CONCURRENCY } from '#local/local-engine';
import { MANIFEST } from '#infra/manifest';
import { logicalId, synthesize } from './support';

/** What must end before what: each limit inside the one that waits for it. */
describe('time limits, each inside its caller’s', () => {
  it('lets an API function outlast an SDK call that exhausts its retries, and end before API Gateway gives up', () => {
    // 3 attempts × (2 s to connect + 5 s to answer) + the retry delays.
    expect(sdkCallWorstCaseMs()).toBe(21_600);
    expect(sdkCallWorstCaseMs() + 1_000).toBeLessThanOrEqual(API_FUNCTION_TIMEOUT_SECONDS * 1_000);
    expect(API_FUNCTION_TIMEOUT_SECONDS).toBeLessThan(API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS);
  });

  it('lets a task step’s conflict retries, their pauses and their work, finish inside the task function’s timeout', () => {
    const worst = conflictBackoffWorstCaseMs() + CONFLICT_ATTEMPTS * CONFLICT_ATTEMPT_WORK_MS;
    expect(conflictBackoffWorstCaseMs()).toBeGreaterThan(30_000);
    expect(worst).toBeLessThanOrEqual(TASK_FUNCTION_TIMEOUT_SECONDS * 1_000);
  });

  it('gives every Lambda task state of the workflow more time than its function may run', () => {
    const tasks = Object.entries(caseLifecycleDefinition.States).filter(
      ([, state]) => state.Type === 'Task' && state.Resource === LAMBDA_INVOKE,
    );
    expect(tasks.length).toBeGreaterThan(5);
    for (const [name, state] of tasks)
      expect({ name, timeout: state.TimeoutSeconds }).toEqual({ name, timeout: TASK_STATE_TIMEOUT_SECONDS });
    expect(TASK_FUNCTION_TIMEOUT_SECONDS).toBeLessThan(TASK_STATE_TIMEOUT_SECONDS);
  });

  it('gives a callback its own step answers at once time for a cold start and the whole step', () => {
    expect(SELF_ANSWER_TIMEOUT_SECONDS).toBeGreaterThanOrEqual(
      COLD_START_ALLOWANCE_SECONDS + TASK_FUNCTION_TIMEOUT_SECONDS,
    );
  });

  it('deploys the functions with those timeouts, and the notice-numbering task with the local engine’s concurrency', () => {
    const { stack, template } = synthesize(MANIFEST);
    const functions = template.toJSON().Resources as Record<
      string,
      { Properties: { Timeout?: number; ReservedConcurrentExecutions?: number } }
    >;
    for (const spec of MANIFEST.functions) {
      const handler = stack.functions.get(spec.id);
      if (!handler) throw new Error(`no function ${spec.id}`);
      const props = functions[logicalId(handler.function.node.defaultChild as CfnResource)]?.Properties;
      const byKind = {
        api: API_FUNCTION_TIMEOUT_SECONDS,
        task: TASK_FUNCTION_TIMEOUT_SECONDS,
        mail: 60,
        scheduled: 60,
        subscriber: 60,
      };
      expect({ id: spec.id, timeout: props?.Timeout }).toEqual({
        id: spec.id,
        timeout: spec.timeoutSeconds ?? byKind[spec.kind],
      });
      expect({ id: spec.id, reserved: props?.ReservedConcurrentExecutions ?? null }).toEqual({
        id: spec.id,
        reserved: spec.id === 'IssueNotice' ? CONTENDED_TASK_CONCURRENCY : null,
      });
    }
    expect(DEFAULT_TASK_CONCURRENCY).toBe(CONTENDED_TASK_CONCURRENCY);
  });
});
