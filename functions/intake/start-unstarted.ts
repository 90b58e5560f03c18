import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import type { IntakeCheckReport } from '../app/unstarted-intakes';
import { makeUnstartedIntakeCheck } from '../app/unstarted-intakes';
import { systemClock } from '../domain/clock';
import { documentClient } from '../shared/aws-clients';
import { envPieces, parseEnv } from '../shared/env';
import type { InvocationContext } from '../shared/time-budget';
import { sweepBudget } from '../shared/time-budget';
import { CaseStore } from '../store/case-store';
import { workflowEngineFromEnv } from '../workflow/aws-engine';

const env = parseEnv(envPieces.table);
const logger = new Logger({ serviceName: 'rectify-intake-check' });
const check = makeUnstartedIntakeCheck({
  store: new CaseStore(documentClient(), env.TABLE_NAME),
  engine: workflowEngineFromEnv(),
  clock: systemClock,
  logger,
});

/** Time kept back from the Lambda's remaining time, so the check ends before the function is stopped. */
const SAFETY_MARGIN_MS = 10_000;

/** What the scheduler passes carries nothing the check needs, so any event (an EventBridge one) is accepted. */
const scheduleEventSchema = z.unknown();

/**
 * Runs on a schedule: starts the intake workflow of every case a submission stored but could not start
 * (its function died, or Step Functions was down, and the reporter never replayed the request).
 */
export async function handler(event: unknown, context?: InvocationContext): Promise<IntakeCheckReport> {
  scheduleEventSchema.parse(event);
  const report = await check.startUnstarted(sweepBudget(context, SAFETY_MARGIN_MS));
  logger.info('intake check finished', { examined: report.examined, started: report.started.length, flagged: report.flagged, complete: report.complete });
  return report;
}
