/**
 * The shape of the function manifest: each Lambda entry with what it serves and exactly what it may do.
 * The stack derives every grant, environment variable, route and state-machine substitution from it;
 * infra/manifest.ts derives it in turn from the route table and the task declarations.
 */

import type { DigestAccess, ObjectAccess, TableAccess, WorkflowAction } from '#shared/lambda-needs';

export type { TableAccess, WorkflowAction };

/** Actions granted on the case workflow's executions (`…:execution:<machine>:*`); the others on the state machine. */
export const EXECUTION_ACTIONS: readonly WorkflowAction[] = ['StopExecution', 'DescribeExecution'];

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  method: HttpMethod;
  /** API Gateway resource path, e.g. `/cases/{id}/inspections`. */
  path: string;
  /** No Cognito authorizer: only for routes that expose no case data (see docs/deploy.md). */
  public?: boolean;
  /** Headers API Gateway requires before the call reaches the function (e.g. `Idempotency-Key`). */
  requiredHeaders?: readonly string[];
}

/**
 * Configuration an entry reads at cold start, beyond `TABLE_NAME` (given with any table access) and logging:
 * `deadlines` → POLICY_JSON + CALENDAR_JSON; `stateMachine` → STATE_MACHINE_ARN; `links` →
 * CONSOLE_URL (the configured console, else the distribution); `mail` → MAIL_RECIPIENTS_JSON (sender and recipients) +
 * MAIL_CONFIGURATION_SET; `objects` → OBJECT_BUCKET; `documents` → ISSUING_OFFICES_JSON; `cursorKey` →
 * CURSOR_SECRET_ARN (the secret's ARN, never its value) and secretsmanager:GetSecretValue on that one secret;
 * `digests` → DIGEST_BUCKET + DIGEST_KEY_ARN.
 */
export type EnvGroup =
  'deadlines' | 'stateMachine' | 'links' | 'mail' | 'objects' | 'documents' | 'cursorKey' | 'digests';

interface FunctionBase {
  /** Construct id, PascalCase; also names the function's log group and alarms. */
  id: string;
  /** Path of the entry file from the project root. */
  entry: string;
  description: string;
  table: TableAccess;
  /**
   * Sends email through SES (ses:SendRawEmail as the configured sender, through the configuration set); its
   * outbox removes the pending entries it delivered, so it may also delete in that partition.
   */
  sendsMail?: boolean;
  /** Clears a case's attention flag (DeleteItem in the attention partition). */
  deletesItems?: boolean;
  /** The object store bucket, at this level (infra/constructs/evidence-bucket.ts). */
  objects?: ObjectAccess;
  /** The digest bucket and signing key, at this level (infra/constructs/digest-archive.ts). */
  digests?: DigestAccess;
  /** Renders documents: its bundle carries the document font (infra/bundling.ts). */
  rendersDocuments?: boolean;
  env?: readonly EnvGroup[];
  timeoutSeconds?: number;
  memoryMb?: number;
  /**
   * Reserved concurrency: at most this many invocations at once, for a function whose invocations
   * contend for one item (more would only collide and back off until their attempts run out).
   */
  reservedConcurrency?: number;
}

export interface ApiFunction extends FunctionBase {
  kind: 'api';
  routes: readonly Route[];
  workflow?: readonly WorkflowAction[];
}

export interface TaskFunction extends FunctionBase {
  kind: 'task';
  /**
   * The ASL definition substitution this function's ARN fills (`${<substitution>}` in the workflow file).
   * The state machine may invoke exactly the task functions, nothing else.
   */
  substitution: string;
  /**
   * A task may chain the next phase, and the step that opens a callback may answer its own token when
   * the person's answer is already recorded. Failing callbacks and stopping executions belong to the API.
   */
  workflow?: readonly ('StartExecution' | 'SendTaskSuccess')[];
}

interface MailFunction extends FunctionBase {
  kind: 'mail';
  sendsMail: true;
  /** Runs on a fixed rate (minutes) to deliver what an earlier attempt left pending. */
  everyMinutes?: number;
}

/**
 * A function run by an EventBridge rule: at a fixed rate (the check for cases whose intake never started)
 * or once a day at a UTC time (the digest of the day's chain heads).
 */
type ScheduledFunction = FunctionBase & {
  kind: 'scheduled';
  workflow?: readonly WorkflowAction[];
} & (
    | { everyMinutes: number; dailyAtUtc?: never }
    | { dailyAtUtc: { hour: number; minute: number }; everyMinutes?: never }
  );

/** A function invoked by a topic's notifications, e.g. the SES events of the mail-event topic. */
interface SubscriberFunction extends FunctionBase {
  kind: 'subscriber';
  topic: 'mail-events';
}

export type FunctionSpec = ApiFunction | TaskFunction | MailFunction | ScheduledFunction | SubscriberFunction;

/** Kinds Lambda invokes asynchronously (a schedule, a topic): a failed invocation goes to the failed-invocation queue. */
export const ASYNC_KINDS: readonly FunctionSpec['kind'][] = ['mail', 'scheduled', 'subscriber'];

/** The Step Functions actions a function may take (none for mail senders and subscribers). */
export function workflowActionsOf(spec: FunctionSpec): readonly WorkflowAction[] {
  return spec.kind === 'mail' || spec.kind === 'subscriber' ? [] : (spec.workflow ?? []);
}

export interface WorkflowSpec {
  /** Construct id, PascalCase. */
  id: string;
  /** Path of the ASL file from the project root. */
  definition: string;
  /** The state machine's name after `rectify-<stage>-`; fixed so its ARN can be known without a reference. */
  name: string;
}

export interface Manifest {
  functions: readonly FunctionSpec[];
  workflow: WorkflowSpec;
}

/** The folders whose `.ts` files are Lambda entries; every one must be in the manifest. */
export const ENTRY_FOLDERS = ['functions/api/handlers', 'functions/tasks'] as const;
/** Single entry files outside those folders. */
export const ENTRY_FILES = [
  'functions/mail/deliver-pending.ts',
  'functions/checks/check-workflows.ts',
  'functions/mail/record-mail-events.ts',
  'functions/digests/daily-digest.ts',
] as const;
