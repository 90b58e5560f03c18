import definitionFile from '#workflows/case-lifecycle.asl.json';

/**
 * The case lifecycle state machine as written in `workflows/case-lifecycle.asl.json`: the one definition
 * CDK deploys and the local engine runs. Task functions appear in it as definition substitutions
 * (`${IssueNoticeFunctionArn}`), filled with Lambda ARNs in AWS and local names on a laptop.
 */

/** Fields of a task's result that the engine acts on. */
export const RESULT_FIELDS = {
  /** The engine time a Wait state sleeps until (`TimestampPath`). */
  wakeAt: 'wakeAt',
  /** The engine seconds a callback may wait (`TimeoutSecondsPath`). */
  engineTimeoutSeconds: 'engineTimeoutSeconds',
  /** The branch a task chose. */
  next: 'next',
  /** The answer a person's action gave a callback. */
  outcome: 'outcome',
} as const;

/**
 * Where the next state finds them: every task's output is `{Payload}` (the `lambda:invoke` shape), so the
 * same path works before and after a callback state's `Parameters` (see docs/workflow.md).
 */
export const STATE_PATHS = {
  wakeAt: `$.Payload.${RESULT_FIELDS.wakeAt}`,
  engineTimeoutSeconds: `$.Payload.${RESULT_FIELDS.engineTimeoutSeconds}`,
  next: `$.Payload.${RESULT_FIELDS.next}`,
  outcome: `$.Payload.${RESULT_FIELDS.outcome}`,
} as const;

/**
 * The definition substitution that holds the partition (`aws`, `aws-us-gov`, …), so the service
 * integrations' ARNs are right wherever the stack deploys. A laptop runs in `aws`.
 */
export const PARTITION_SUBSTITUTION = 'Partition';
const LOCAL_PARTITION = 'aws';

export const LAMBDA_INVOKE = 'arn:${Partition}:states:::lambda:invoke';
export const LAMBDA_INVOKE_WAIT_FOR_TOKEN = 'arn:${Partition}:states:::lambda:invoke.waitForTaskToken';

export type AslState = Record<string, unknown> & { Type: string };
export interface AslDefinition {
  Comment?: string;
  StartAt: string;
  States: Record<string, AslState>;
}

export const caseLifecycleDefinition: AslDefinition = definitionFile as AslDefinition;

const SUBSTITUTION = /\$\{(\w+)\}/g;

/** The task function substitutions the definition uses, e.g. `IssueNoticeFunctionArn` (not the partition). */
export function substitutionKeys(definition: AslDefinition = caseLifecycleDefinition): string[] {
  return [...new Set([...JSON.stringify(definition).matchAll(SUBSTITUTION)].map((m) => m[1] as string))]
    .filter((key) => key !== PARTITION_SUBSTITUTION)
    .sort();
}

/**
 * The definition with every `${Name}` replaced, as CDK's `definitionSubstitutions` does; the partition is
 * `aws` unless `values` names another.
 */
export function substitute(definition: AslDefinition, values: Record<string, string>): AslDefinition {
  const withPartition: Record<string, string> = { [PARTITION_SUBSTITUTION]: LOCAL_PARTITION, ...values };
  const text = JSON.stringify(definition).replace(SUBSTITUTION, (_whole, key: string) => {
    const value = Object.hasOwn(withPartition, key) ? withPartition[key] : undefined;
    if (value === undefined) throw new Error(`no value for definition substitution \${${key}}`);
    // The value lands inside a JSON string.
    return JSON.stringify(value).slice(1, -1);
  });
  return JSON.parse(text) as AslDefinition;
}

export interface TaskStateInfo {
  name: string;
  /** The substitution naming its function, e.g. `IssueNoticeFunctionArn`. */
  functionKey: string;
  /** A `.waitForTaskToken` step: a person's action through the API completes it. */
  callback: boolean;
  timeoutSeconds?: number;
  timeoutSecondsPath?: string;
  /** The most attempts its retriers allow in total (for the history bound). */
  maxRetries: number;
}

/** Every Task state of a (not yet substituted) definition and the function it invokes. */
export function taskStates(definition: AslDefinition = caseLifecycleDefinition): TaskStateInfo[] {
  return Object.entries(definition.States)
    .filter(([, state]) => state.Type === 'Task')
    .map(([name, state]) => {
      const parameters = state.Parameters as { FunctionName?: string } | undefined;
      const key = /^\$\{(\w+)\}$/.exec(parameters?.FunctionName ?? '')?.[1];
      if (!key) throw new Error(`task state "${name}" does not name its function as a definition substitution`);
      const retry = (state.Retry as { MaxAttempts?: number }[] | undefined) ?? [];
      return {
        name,
        functionKey: key,
        callback: state.Resource === LAMBDA_INVOKE_WAIT_FOR_TOKEN,
        timeoutSeconds: state.TimeoutSeconds as number | undefined,
        timeoutSecondsPath: state.TimeoutSecondsPath as string | undefined,
        // An absent MaxAttempts means 3 (States Language default).
        maxRetries: retry.reduce((sum, retrier) => sum + (retrier.MaxAttempts ?? 3), 0),
      };
    });
}

/**
 * The value at a simple reference path (`$.a.b`) of a JSON value; `undefined` when absent. The workflow's
 * own paths are all of this form.
 */
export function valueAtPath(value: unknown, path: string): unknown {
  if (!/^\$(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(path)) throw new Error(`unsupported reference path ${path}`);
  let current = value;
  for (const name of path.split('.').slice(1)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[name];
  }
  return current;
}

/**
 * Step Functions history events an execution can produce for `stateEntries` state entries, when every
 * entry were the task with the most retries: a task state writes 5 events (entered, scheduled, started,
 * succeeded, exited) and 3 more per retried attempt; the execution adds its start and end.
 */
export function worstCaseHistoryEvents(
  stateEntries: number,
  definition: AslDefinition = caseLifecycleDefinition,
): number {
  const worstRetries = Math.max(0, ...taskStates(definition).map((t) => t.maxRetries));
  return 2 + stateEntries * (5 + 3 * worstRetries);
}
