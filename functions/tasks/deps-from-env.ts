import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '../domain/clock';
import type { Mailer } from '../mail/mailer';
import { documentClient } from '../shared/aws-clients';
import { deadlinesFromEnv } from '../shared/deadlines';
import { envPieces, parseEnv } from '../shared/env';
import { CaseStore } from '../store/case-store';
import type { WorkflowEngine } from '../workflow/engine';
import type { TaskPermission } from './registry';
import type { TaskDeps } from './task-kit';

/**
 * What a task function may build beyond the case table, policy and calendar, each from its own
 * environment: the mailer (`mailerFromEnv`) for `send-mail`, the Step Functions engine
 * (`workflowEngineFromEnv`) for `start-execution` and `send-task-success`. An entry names only the ports
 * its permissions need, so its bundle carries only those clients.
 */
export interface TaskPorts {
  mailer?: (env: NodeJS.ProcessEnv, shared: { doc: DynamoDBDocumentClient }) => Mailer;
  engine?: (env: NodeJS.ProcessEnv) => WorkflowEngine;
}

/** The permissions the given ports can serve: asking for another is a type error in the entry. */
export type PermissionsServedBy<P extends TaskPorts> =
  | (P extends { mailer: NonNullable<TaskPorts['mailer']> } ? 'send-mail' : never)
  | (P extends { engine: NonNullable<TaskPorts['engine']> } ? 'start-execution' | 'send-task-success' : never);

function refusing(what: string): never {
  throw new Error(`this task function was not given ${what}; add it to its permissions in functions/tasks/registry.ts`);
}

/** Stands in for a port the function has no permission to use: any use is a bug, reported as such. */
const noMailer: Mailer = { deliver: async () => refusing('mail') };
const noEngine: WorkflowEngine = {
  startExecution: async () => refusing('the workflow engine'),
  executionExists: async () => refusing('the workflow engine'),
  executionStatus: async () => refusing('the workflow engine'),
  sendTaskSuccess: async () => refusing('the workflow engine'),
  sendTaskFailure: async () => refusing('the workflow engine'),
  stopExecution: async () => refusing('the workflow engine'),
};

/**
 * `taskDepsWith(ports)(permissions)`: the dependencies a task's Lambda entry builds once, at module
 * scope, from its environment, given what the function may do (its permissions in the registry). A
 * missing or malformed variable fails the cold start with its name. Whether the policy's periods fit one
 * workflow execution is checked before deployment, when the stack is synthesized (infra/config.ts), and
 * by the local engine when it starts.
 */
export function taskDepsWith<P extends TaskPorts>(ports: P) {
  return (permissions: readonly PermissionsServedBy<P>[], env: NodeJS.ProcessEnv = process.env): TaskDeps => {
    const granted: readonly TaskPermission[] = permissions;
    const settings = parseEnv(envPieces.table, env);
    const { policy, calendar } = deadlinesFromEnv(env);
    const usesEngine = granted.includes('start-execution') || granted.includes('send-task-success');
    const doc = documentClient();
    const engine = usesEngine ? (ports.engine ?? (() => refusing('the workflow engine')))(env) : noEngine;
    return {
      store: new CaseStore(doc, settings.TABLE_NAME),
      mailer: granted.includes('send-mail') ? (ports.mailer ?? (() => refusing('mail')))(env, { doc }) : noMailer,
      clock: systemClock,
      calendar,
      policy,
      engine,
      logger: new Logger({ serviceName: 'rectify-workflow' }),
    };
  };
}
