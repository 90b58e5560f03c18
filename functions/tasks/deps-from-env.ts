import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { chinaCalendar, calendarFileSchema } from '../domain/china-calendar';
import { systemClock } from '../domain/clock';
import { resolvePolicy } from '../domain/policy';
import { assertPolicyFitsWorkflow } from '../app/procedure';
import { mailerFromEnv } from '../mail/from-env';
import { documentClient } from '../shared/aws-clients';
import { envPieces, parseEnv, parseJsonEnv } from '../shared/env';
import { CaseStore } from '../store/case-store';
import { AwsWorkflowEngine, sfnClient } from '../workflow/aws-engine';
import type { TaskDeps } from './task-kit';

export const taskEnvSchema = envPieces.table.extend(envPieces.stateMachine.shape).extend(envPieces.policy.shape).extend(envPieces.calendar.shape);

/**
 * The dependencies a task's Lambda entry builds once, at module scope, from its environment. A missing
 * or malformed variable — or a policy whose periods would make a phase outlive one execution — fails
 * the cold start with its name.
 */
export function taskDepsFromEnv(env: NodeJS.ProcessEnv = process.env): TaskDeps {
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
  return {
    store: new CaseStore(documentClient(), settings.TABLE_NAME),
    mailer: mailerFromEnv(env),
    clock: systemClock,
    calendar,
    policy,
    engine: new AwsWorkflowEngine(sfnClient(), settings.STATE_MACHINE_ARN),
    logger: new Logger({ serviceName: 'rectify-workflow' }),
  };
}
