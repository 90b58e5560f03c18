import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SNSEvent } from 'aws-lambda';
import { systemClock } from '#domain/clock';
import { documentClient } from '#shared/aws-clients';
import { envPieces, parseEnv } from '#shared/env';
import { injectLambdaContext } from '#shared/lambda-context';
import { METRICS, writeMetrics } from '#shared/metrics';
import { CaseStore } from '#store/case-store';
import type { MailEventOutcome } from './mail-events';
import { recordMailEvent, sesEventSchema } from './mail-events';
import { Outbox } from '#store/outbox';

const env = parseEnv(envPieces.table);
const logger = new Logger({ serviceName: 'rectify-mail-events' });
const doc = documentClient();
const deps = {
  store: new CaseStore(doc, env.TABLE_NAME),
  outbox: new Outbox(doc, env.TABLE_NAME),
  clock: systemClock,
  logger,
};

/**
 * Subscribed to the mail-event topic: each SES bounce or complaint is recorded on its case and flags it;
 * the count goes out as a metric whose alarm tells operations. A notification that is not an SES event
 * is logged and dropped (retrying it would not make it one); a failure to record throws, so Lambda
 * retries and then hands the event to the failed-invocation queue.
 */
export async function handler(event: SNSEvent, context?: Context): Promise<{ outcomes: MailEventOutcome[] }> {
  injectLambdaContext(logger, context);
  const outcomes: MailEventOutcome[] = [];
  let delayed = 0;
  for (const record of event.Records) {
    let message: unknown;
    try {
      message = JSON.parse(record.Sns.Message);
    } catch {
      message = undefined;
    }
    const parsed = sesEventSchema.safeParse(message);
    if (!parsed.success) {
      logger.error('mail-event topic message is not an SES event', {
        messageId: record.Sns.MessageId,
        issues: parsed.error.issues.slice(0, 3),
      });
      continue;
    }
    if (parsed.data.eventType === 'DeliveryDelay') delayed += 1;
    outcomes.push(await recordMailEvent(deps, parsed.data));
  }
  writeMetrics({
    [METRICS.emailsBouncedOrComplained]: outcomes.filter((o) => o === 'recorded' || o === 'no-case').length,
    [METRICS.emailsDelayed]: delayed,
  });
  return { outcomes };
}
