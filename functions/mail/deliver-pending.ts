import { Logger } from '@aws-lambda-powertools/logger';
import { makeDeliverPendingHandler } from './deliver-pending-handler';
import { mailerFromEnv } from './from-env';

const logger = new Logger({ serviceName: 'rectify-mail' });
const mailer = mailerFromEnv(process.env, { logger });

/** Runs on a schedule: delivers every email an outage or a stopped sender left pending. */
export const handler = makeDeliverPendingHandler({ sweeper: mailer, logger });
