import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import type { DigestWritten } from '#app/digests';
import { makeDigestWriter } from '#app/digests';
import { systemClock } from '#domain/clock';
import { documentClient } from '#shared/aws-clients';
import { envPieces, parseEnv } from '#shared/env';
import { injectLambdaContext } from '#shared/lambda-context';
import type { InvocationContext } from '#shared/time-budget';
import { CaseStore } from '#store/case-store';
import { digestArchiveFromEnv } from './digest-archive';
import { kmsDigestSignerFromEnv } from './kms-digest-signer';

const env = parseEnv(envPieces.table);
const logger = new Logger({ serviceName: 'rectify-digests' });
const doc = documentClient();
const digests = makeDigestWriter({
  store: new CaseStore(doc, env.TABLE_NAME),
  digests: { archive: digestArchiveFromEnv(), signer: kmsDigestSignerFromEnv() },
  clock: systemClock,
});

/** What the scheduler passes carries nothing the run needs, so any event (an EventBridge one) is accepted. */
const scheduleEventSchema = z.unknown();

/**
 * Runs once a day: the digest of the chain heads that changed up to midnight UTC, signed with the KMS key
 * and stored under Object Lock. A repeated run finds the day's digest written and writes nothing.
 */
export async function handler(event: unknown, context?: InvocationContext): Promise<DigestWritten> {
  injectLambdaContext(logger, context);
  scheduleEventSchema.parse(event);
  const result = await digests.daily();
  logger.info(result.written ? 'digest written' : 'digest already written for the period', { ...result });
  return result;
}
