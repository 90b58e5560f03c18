import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '#domain/clock';
import type { DocumentIssuer } from '#app/document-issuer';
import type { Mailer } from '#mail/mailer';
import type { ObjectStore } from '#objects/object-store';
import { documentClient } from '#shared/aws-clients';
import type { DeadlineRules } from '#shared/deadline-rules';
import { envPieces, parseEnv } from '#shared/env';
import type { ObjectAccess } from '#shared/lambda-needs';
import { CaseStore } from '#store/case-store';
import type { WorkflowEngine } from '#workflow/engine';
import type { TaskKey, TASKS } from './declarations';
import type {
  ArchiveDeps,
  DeadlineDeps,
  DocumentDeps,
  EngineDeps,
  MailDeps,
  TaskBaseDeps,
  TaskHandler,
} from './task-kit';

/**
 * What a task function may build beyond the case table, each from its own environment: the mailer
 * (`mailerFromEnv`) for a task that sends mail, the Step Functions engine (`workflowEngineFromEnv`) for
 * one that takes workflow actions, the policy and calendar (`deadlineRulesFromEnv`) for one that computes
 * deadlines. An entry names only the ports its declaration uses, so its bundle carries only those
 * clients and that data.
 */
export interface TaskPorts {
  /** With the object store when the task has one: its emails' attachments are read from it. */
  mailer?: (env: NodeJS.ProcessEnv, shared: { doc: DynamoDBDocumentClient; objects?: ObjectStore }) => Mailer;
  engine?: (env: NodeJS.ProcessEnv) => WorkflowEngine;
  deadlines?: (env: NodeJS.ProcessEnv) => DeadlineRules;
  objects?: (env: NodeJS.ProcessEnv) => ObjectStore;
  documents?: (env: NodeJS.ProcessEnv, shared: { objects: ObjectStore }) => DocumentIssuer;
}

type UsesOf<K extends TaskKey> = (typeof TASKS)[K]['uses'];
type UsesWorkflow<K extends TaskKey> = UsesOf<K> extends { workflow: readonly [unknown, ...unknown[]] } ? true : false;
type UsesMail<K extends TaskKey> = UsesOf<K> extends { mail: true } ? true : false;
type UsesDeadlines<K extends TaskKey> = UsesOf<K> extends { deadlines: true } ? true : false;
type UsesObjects<K extends TaskKey> = UsesOf<K> extends { objects: ObjectAccess } ? true : false;
type UsesArchive<K extends TaskKey> = UsesOf<K> extends { objects: 'archive' } ? true : false;
type UsesDocuments<K extends TaskKey> = UsesOf<K> extends { documents: true } ? true : false;

/** The ports a task's entry must build: one per need its declaration has, and no other. */
export type TaskPortsFor<K extends TaskKey> = (UsesWorkflow<K> extends true
  ? { engine: NonNullable<TaskPorts['engine']> }
  : { engine?: never }) &
  (UsesMail<K> extends true ? { mailer: NonNullable<TaskPorts['mailer']> } : { mailer?: never }) &
  (UsesDeadlines<K> extends true ? { deadlines: NonNullable<TaskPorts['deadlines']> } : { deadlines?: never }) &
  (UsesObjects<K> extends true ? { objects: NonNullable<TaskPorts['objects']> } : { objects?: never }) &
  (UsesDocuments<K> extends true ? { documents: NonNullable<TaskPorts['documents']> } : { documents?: never });

/** What the step of the task declared as `K` is given: the case table and clock, and what it declares. */
export type TaskDepsFor<K extends TaskKey> = TaskBaseDeps &
  (UsesWorkflow<K> extends true ? EngineDeps : unknown) &
  (UsesMail<K> extends true ? MailDeps : unknown) &
  (UsesDeadlines<K> extends true ? DeadlineDeps : unknown) &
  (UsesDocuments<K> extends true ? DocumentDeps : unknown) &
  (UsesArchive<K> extends true ? ArchiveDeps : unknown);

/**
 * The dependencies a task's Lambda entry builds once, at module scope, from its environment: the case
 * table and the clock, and what the given ports build — nothing else. A missing or malformed variable
 * fails the cold start with its name. Whether the policy's periods fit one workflow execution is checked
 * before deployment, when the stack is synthesized (infra/config.ts), and by the local engine when it starts.
 */
export function taskDepsFromEnv(
  ports: TaskPorts,
  env: NodeJS.ProcessEnv = process.env,
): TaskBaseDeps & Partial<MailDeps & EngineDeps & DeadlineDeps & DocumentDeps & ArchiveDeps> {
  const settings = parseEnv(envPieces.table, env);
  const doc = documentClient();
  const deadlines = ports.deadlines?.(env);
  const objects = ports.objects?.(env);
  return {
    store: new CaseStore(doc, settings.TABLE_NAME),
    clock: systemClock,
    logger: new Logger({ serviceName: 'rectify-workflow' }),
    ...(ports.mailer ? { mailer: ports.mailer(env, { doc, ...(objects ? { objects } : {}) }) } : {}),
    ...(ports.documents && objects ? { documents: ports.documents(env, { objects }) } : {}),
    ...(objects ? { caseFiles: objects } : {}),
    ...(ports.engine ? { engine: ports.engine(env) } : {}),
    ...(deadlines ? { calendar: deadlines.calendar, policy: deadlines.policy } : {}),
  };
}

/**
 * The Lambda handler of the task declared as `key`: its step, with the dependencies built at module
 * scope. The ports are typed from the declaration (a missing or an extra one does not compile), and so is
 * what the step may use: a step that sends mail, computes a deadline or starts an execution its
 * declaration does not name does not compile either.
 */
export function taskLambda<K extends TaskKey>(
  key: K,
  make: (deps: TaskDepsFor<K>) => TaskHandler,
  ...[ports]: Record<never, never> extends TaskPortsFor<K> ? [ports?: TaskPortsFor<K>] : [ports: TaskPortsFor<K>]
): TaskHandler & { readonly serves: K } {
  // TaskPortsFor<K> made the entry give exactly the ports TaskDepsFor<K> needs, so what they built is there.
  const deps = taskDepsFromEnv(ports ?? {}) as TaskDepsFor<K>;
  return Object.assign(make(deps), { serves: key });
}
