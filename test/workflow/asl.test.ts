import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import aslValidator from 'asl-validator';
import { TASKS, taskEntry } from '#tasks/declarations';
import { TASK_FUNCTIONS } from '#tasks/registry';
import type { AslDefinition, AslState } from '#workflow/asl';
import {
  LAMBDA_INVOKE,
  LAMBDA_INVOKE_WAIT_FOR_TOKEN,
  PARTITION_SUBSTITUTION,
  STATE_PATHS,
  caseLifecycleDefinition,
  substitute,
  substitutionKeys,
  taskStates,
} from '#workflow/asl';

const root = path.join(__dirname, '..', '..');
const workflowFiles = readdirSync(path.join(root, 'workflows')).filter((name) => name.endsWith('.asl.json'));
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

const states = Object.entries(caseLifecycleDefinition.States);
const byType = (type: string) => states.filter(([, state]) => state.Type === type);

describe('the workflow definitions', () => {
  it('has at least the case lifecycle', () => {
    expect(workflowFiles).toContain('case-lifecycle.asl.json');
  });

  it.each(workflowFiles)(
    '%s passes asl-validator, with ARN and path checks, once substituted for each partition',
    (file) => {
      const definition = JSON.parse(readFileSync(path.join(root, 'workflows', file), 'utf8')) as AslDefinition;
      // As CloudFormation fills it in each partition the stack may deploy to.
      for (const [partition, region] of [
        ['aws', 'ap-southeast-1'],
        ['aws-us-gov', 'us-gov-west-1'],
      ] as const) {
        const arns = Object.fromEntries(
          substitutionKeys(definition).map((key) => [
            key,
            `arn:${partition}:lambda:${region}:123456789012:function:rectify-${key}`,
          ]),
        );
        const result = aslValidator(substitute(definition, { ...arns, [PARTITION_SUBSTITUTION]: partition }), {
          checkArn: true,
          checkPaths: true,
        });
        expect({ partition, errors: result.errorsText('\n') }).toEqual({ partition, errors: '' });
        expect(result.isValid).toBe(true);
      }
    },
  );

  it.each(workflowFiles)(
    '%s names no partition: every ARN it writes takes ${Partition}, which the stack fills',
    (file) => {
      const text = readFileSync(path.join(root, 'workflows', file), 'utf8');
      const arns = [...text.matchAll(/"arn:[^"]*"/g)].map((m) => m[0]);
      expect(arns.length).toBeGreaterThan(0);
      expect(arns.filter((arn) => !arn.startsWith('"arn:${Partition}:'))).toEqual([]);
    },
  );

  it.each(workflowFiles)('%s uses JSONPath only (no JSONata, no Assign)', (file) => {
    const text = readFileSync(path.join(root, 'workflows', file), 'utf8');
    expect(text).not.toMatch(/"QueryLanguage"|"Assign"|"Arguments"|"Output"\s*:|\{%/);
  });
});

describe('the case lifecycle state machine', () => {
  it('names its states as sentences', () => {
    for (const [name] of states) expect(name).toMatch(/^[A-Z][a-z]+( [a-z-]+)+$/);
  });

  it('reaches every state from the start', () => {
    const reached = new Set<string>();
    const visit = (name: string) => {
      if (reached.has(name)) return;
      reached.add(name);
      const state = caseLifecycleDefinition.States[name] as AslState;
      const nexts = [
        state.Next,
        state.Default,
        ...((state.Choices as { Next: string }[] | undefined) ?? []).map((c) => c.Next),
        ...((state.Catch as { Next: string }[] | undefined) ?? []).map((c) => c.Next),
      ].filter((n): n is string => typeof n === 'string');
      nexts.forEach(visit);
    };
    visit(caseLifecycleDefinition.StartAt);
    expect([...reached].sort()).toEqual(states.map(([name]) => name).sort());
  });

  it('gives every Task a timeout, retries for Lambda service errors and throttling, and a catch that records the failure', () => {
    for (const [name, state] of byType('Task')) {
      expect([name, state.TimeoutSeconds ?? state.TimeoutSecondsPath]).toEqual([name, expect.anything()]);
      const retry = state.Retry as { ErrorEquals: string[] }[];
      expect([name, retry.flatMap((r) => r.ErrorEquals)]).toEqual([
        name,
        expect.arrayContaining([...LAMBDA_SERVICE_ERRORS, 'States.TaskFailed']),
      ]);
      const catchAll = (state.Catch as { ErrorEquals: string[]; Next: string }[]).find((c) =>
        c.ErrorEquals.includes('States.ALL'),
      );
      const expected = name === 'Record the failure' ? 'Fail after recording the failure' : 'Record the failure';
      expect([name, catchAll?.Next]).toEqual([name, expected]);
    }
  });

  it('invokes Lambda with the function as a definition substitution and keeps only its payload', () => {
    for (const [name, state] of byType('Task')) {
      expect([name, [LAMBDA_INVOKE, LAMBDA_INVOKE_WAIT_FOR_TOKEN].includes(state.Resource as string)]).toEqual([
        name,
        true,
      ]);
      const selector = state.ResultSelector as Record<string, string>;
      expect([name, selector]).toEqual([name, { 'Payload.$': state.Resource === LAMBDA_INVOKE ? '$.Payload' : '$' }]);
    }
  });

  it('waits for people with callbacks that pass the token and time out by a path the tasks computed', () => {
    const callbacks = byType('Task').filter(([, state]) => state.Resource === LAMBDA_INVOKE_WAIT_FOR_TOKEN);
    expect(callbacks.map(([name]) => name).sort()).toEqual([
      'Wait for the enforcement decision to be served',
      'Wait for the forced demolition to be recorded',
      'Wait for the inspection result',
      'Wait for the notice to be served',
      'Wait for the persuasion result',
    ]);
    for (const [name, state] of callbacks) {
      const payload = (state.Parameters as { Payload: Record<string, string> }).Payload;
      expect([
        name,
        payload['token.$'],
        payload['engineTimeoutSeconds.$'],
        state.TimeoutSecondsPath,
        state.InputPath,
      ]).toEqual([
        name,
        '$$.Task.Token',
        STATE_PATHS.engineTimeoutSeconds,
        STATE_PATHS.engineTimeoutSeconds,
        undefined,
      ]);
      const onTimeout = (state.Catch as { ErrorEquals: string[] }[])[0];
      expect([name, onTimeout?.ErrorEquals]).toEqual([name, ['States.Timeout']]);
    }
  });

  it('waits for deadlines with Wait states on a timestamp the tasks computed, never by polling', () => {
    const waits = byType('Wait');
    expect(waits.length).toBeGreaterThanOrEqual(4);
    for (const [name, state] of waits)
      expect([name, state.TimestampPath, state.Seconds, state.SecondsPath]).toEqual([
        name,
        STATE_PATHS.wakeAt,
        undefined,
        undefined,
      ]);
  });

  it('routes on the paths the tasks write', () => {
    const variables = byType('Choice').flatMap(([, state]) =>
      (state.Choices as { Variable?: string; Or?: { Variable: string }[] }[]).flatMap((choice) =>
        choice.Or ? choice.Or.map((c) => c.Variable) : [choice.Variable],
      ),
    );
    expect(new Set(variables)).toEqual(new Set(['$.phase', STATE_PATHS.next, STATE_PATHS.outcome]));
  });

  it('has a declared task, with its entry file, for every substitution — and no other', () => {
    expect(substitutionKeys().sort()).toEqual(Object.keys(TASKS).sort());
    expect(Object.keys(TASK_FUNCTIONS).sort()).toEqual(Object.keys(TASKS).sort());
    for (const task of taskStates()) expect(Object.keys(TASKS)).toContain(task.functionKey);
    const entries = readdirSync(path.join(root, 'functions', 'tasks')).filter(
      (f) =>
        f.endsWith('.ts') &&
        !['registry.ts', 'declarations.ts', 'task-kit.ts', 'deps-from-env.ts', 'document-issuer-from-env.ts'].includes(
          f,
        ),
    );
    expect(entries.map((f) => `functions/tasks/${f}`).sort()).toEqual(Object.keys(TASKS).map(taskEntry).sort());
  });
});
