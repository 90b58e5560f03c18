import * as z from 'zod';
import type { InvocationContext } from '#shared/time-budget';
import { sweepBudget } from '#shared/time-budget';
import { injectLambdaContext } from '#shared/lambda-context';
import type { AppLogger } from '#app/context';
import type { PendingMailSweeper, SweepReport } from './mailer';

/** What the scheduler passes: nothing the sweep needs, so anything (an EventBridge event) is accepted. */
const scheduleEventSchema = z.unknown();

/** Time kept back from the Lambda's remaining time, so the sweep ends before the function is stopped. */
const SAFETY_MARGIN_MS = 20_000;

/**
 * The scheduled sweep: delivers every pending email once. It stops taking new emails when the
 * invocation's time runs low; the next run continues with what is left.
 */
export function makeDeliverPendingHandler(deps: { sweeper: PendingMailSweeper; logger?: AppLogger }) {
  return async (event: unknown, context?: InvocationContext): Promise<SweepReport> => {
    injectLambdaContext(deps.logger, context);
    scheduleEventSchema.parse(event);
    const report = await deps.sweeper.deliverPending(sweepBudget(context, SAFETY_MARGIN_MS));
    deps.logger?.info('mail sweep finished', { ...report });
    return report;
  };
}
