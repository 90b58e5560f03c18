import { Logger } from '@aws-lambda-powertools/logger';
import { makeDeliverPendingHandler } from './deliver-pending-handler';
import { objectStoreFromEnv } from '#objects/s3-object-store';
import { mailerFromEnv } from './from-env';

const logger = new Logger({ serviceName: 'rectify-mail' });
// The documents an email carries are read from the object store when the sweep sends it.
const mailer = mailerFromEnv(process.env, { logger, objects: objectStoreFromEnv() });

/** Runs on a schedule: delivers every email an outage or a stopped sender left pending. */
export const handler = makeDeliverPendingHandler({ sweeper: mailer, logger });
