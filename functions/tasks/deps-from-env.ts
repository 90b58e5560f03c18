import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '#domain/clock';
import type { Mailer } from '#mail/mailer';
import { documentClient } from '#shared/aws-clients';
import { deadlineRulesFromEnv } from '#shared/deadline-rules';
import { envPieces, parseEnv } from '#shared/env';
import { CaseStore } from '#store/case-store';
import type { WorkflowEngine } from '#workflow/engine';
import type { TaskKey, TASKS } from './declarations';
import type { TaskDeps, TaskHandler } from './task-kit';

/**
 * What a task function may build beyond the case table, policy and calendar, each from its own
 * environment: the mailer (`mailerFromEnv`) for a task that sends mail, the Step Functions engine
 * (`workflowEngineFromEnv`) for one that takes workflow actions. An entry names only the ports its
 * declaration uses, so its bundle carries only those clients.
 */
export interface TaskPorts {
  mailer?: (env: NodeJS.ProcessEnv, shared: { doc: DynamoDBDocumentClient }) => Mailer;
  engine?: (env: NodeJS.ProcessEnv) => WorkflowEngine;
}

type UsesOf<K extends TaskKey> = (typeof TASKS)[K]['uses'];

/** The ports a task's entry must build: one per need its declaration has, and no other. */
export type TaskPortsFor<K extends TaskKey> = (UsesOf<K> extends { workflow: readonly [unknown, ...unknown[]] }
  ? { engine: NonNullable<TaskPorts['engine']> }
  : { engine?: never }) &
  (UsesOf<K> extends { mail: true } ? { mailer: NonNullable<TaskPorts['mailer']> } : { mailer?: never });

function refusing(what: string): never {
  throw new Error(`this task function was not given ${what}; declare it in functions/tasks/declarations.ts`);
}

/** Stands in for a port the function has no permission to use: any use is a bug, reported as such. */
const noMailer: Mailer = { deliver: async () => refusing('mail') };
const noEngine: WorkflowEngine = {
  startExecution: async () => refusing('the workflow engine'),
  executionExists: async () => refusing('the workflow engine'),
  executionStatus: async () => refusing('the workflow engine'),
  sendTaskSuccess: async () => refusing('the workflow engine'),
  stopExecution: async () => refusing('the workflow engine'),
};

/**
 * The dependencies a task's Lambda entry builds once, at module scope, from its environment: the case
 * table, policy and calendar, and the given ports. A missing or malformed variable fails the cold start
 * with its name. Whether the policy's periods fit one workflow execution is checked before deployment,
 * when the stack is synthesized (infra/config.ts), and by the local engine when it starts.
 */
export function taskDepsFromEnv(ports: TaskPorts, env: NodeJS.ProcessEnv = process.env): TaskDeps {
  const settings = parseEnv(envPieces.table, env);
  const { policy, calendar } = deadlineRulesFromEnv(env);
  const doc = documentClient();
  return {
    store: new CaseStore(doc, settings.TABLE_NAME),
    mailer: ports.mailer ? ports.mailer(env, { doc }) : noMailer,
    clock: systemClock,
    calendar,
    policy,
    engine: ports.engine ? ports.engine(env) : noEngine,
    logger: new Logger({ serviceName: 'rectify-workflow' }),
  };
}

/**
 * The Lambda handler of the task declared as `key`: its step, with the dependencies built at module
 * scope. The ports are typed from the declaration: a missing or an extra one does not compile.
 */
export function taskLambda<K extends TaskKey>(
  key: K,
  make: (deps: TaskDeps) => TaskHandler,
  ...[ports]: Record<never, never> extends TaskPortsFor<K> ? [ports?: TaskPortsFor<K>] : [ports: TaskPortsFor<K>]
): TaskHandler & { readonly serves: K } {
  return Object.assign(make(taskDepsFromEnv(ports ?? {})), { serves: key });
}
