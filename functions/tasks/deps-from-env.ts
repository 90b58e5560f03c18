import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { chinaCalendar, calendarFileSchema } from '../domain/china-calendar';
import { systemClock } from '../domain/clock';
import { resolvePolicy } from '../domain/policy';
import { assertPolicyFitsWorkflow } from '../app/procedure';
import { mailerFromEnv } from '../mail/from-env';
import type { Mailer } from '../mail/mailer';
import { documentClient } from '../shared/aws-clients';
import { envPieces, parseEnv, parseJsonEnv } from '../shared/env';
import { CaseStore } from '../store/case-store';
import { AwsWorkflowEngine, sfnClient } from '../workflow/aws-engine';
import type { WorkflowEngine } from '../workflow/engine';
import type { TaskPermission } from './registry';
import type { TaskDeps } from './task-kit';

export const taskEnvSchema = envPieces.table.extend(envPieces.policy.shape).extend(envPieces.calendar.shape);

function refusing(what: string): never {
  throw new Error(`this task function was not given ${what}; add it to its permissions in functions/tasks/registry.ts`);
}

/** Stands in for a port the function has no permission to use: any use is a bug, reported as such. */
const noMailer: Mailer = { deliver: async () => refusing('mail') };
const noEngine: WorkflowEngine = {
  startExecution: async () => refusing('the workflow engine'),
  sendTaskSuccess: async () => refusing('the workflow engine'),
  sendTaskFailure: async () => refusing('the workflow engine'),
  stopExecution: async () => refusing('the workflow engine'),
};

/**
 * The dependencies a task's Lambda entry builds once, at module scope, from its environment, given what
 * the function may do (its permissions in the registry). A missing or malformed variable — or a policy
 * whose periods would make a phase outlive one execution — fails the cold start with its name.
 */
export function taskDepsFromEnv(permissions: readonly TaskPermission[], env: NodeJS.ProcessEnv = process.env): TaskDeps {
  const settings = parseEnv(taskEnvSchema, env);
  const overrides = parseJsonEnv('POLICY_JSON', settings.POLICY_JSON, z.record(z.string(), z.unknown()));
  const policy = (() => {
    try {
      return resolvePolicy(overrides);
    } catch (error) {
      throw new Error(`invalid environment: POLICY_JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  })();
  const calendar = chinaCalendar(parseJsonEnv('CALENDAR_JSON', settings.CALENDAR_JSON, calendarFileSchema));
  assertPolicyFitsWorkflow(policy, calendar);
  const usesEngine = permissions.includes('start-execution') || permissions.includes('send-task-success');
  return {
    store: new CaseStore(documentClient(), settings.TABLE_NAME),
    mailer: permissions.includes('send-mail') ? mailerFromEnv(env) : noMailer,
    clock: systemClock,
    calendar,
    policy,
    engine: usesEngine ? new AwsWorkflowEngine(sfnClient(), parseEnv(envPieces.stateMachine, env).STATE_MACHINE_ARN) : noEngine,
    logger: new Logger({ serviceName: 'rectify-workflow' }),
  };
}
