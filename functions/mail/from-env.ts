import * as z from 'zod';
import { makeMailFailureLog } from '#app/mail-failures';
import { systemClock } from '#domain/clock';
import { CaseStore } from '#store/case-store';
import { documentClient, sesClient } from '#shared/aws-clients';
import { envPieces, parseEnv } from '#shared/env';
import { mailRecipientsFromEnv } from './recipients';
import type { SesMailerDeps } from './ses-mailer';
import { SesMailer } from './ses-mailer';

/** The mail settings besides `MAIL_RECIPIENTS_JSON` (and `MAIL_FROM`) that a Lambda entry reads. */
const mailEnvSchema = envPieces.table.extend(envPieces.links.shape).extend({
  /** The SES configuration set that reports bounces and complaints. */
  MAIL_CONFIGURATION_SET: z.string().min(1).optional(),
});

/**
 * The mailer a Lambda entry builds at module scope from its environment: SES and DynamoDB clients with
 * timeouts. A missing or invalid mail configuration throws here, failing the cold start with its name.
 * A function that already has a DynamoDB document client passes it as `overrides.doc`, so one client
 * serves the case store and the outbox.
 */
export function mailerFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<SesMailerDeps> = {}): SesMailer {
  const settings = parseEnv(mailEnvSchema, env);
  const recipients = mailRecipientsFromEnv(env);
  const doc = overrides.doc ?? documentClient();
  return new SesMailer({
    tableName: settings.TABLE_NAME,
    ...(settings.CONSOLE_URL ? { consoleUrl: settings.CONSOLE_URL } : {}),
    recipients,
    ...(settings.MAIL_CONFIGURATION_SET ? { configurationSetName: settings.MAIL_CONFIGURATION_SET } : {}),
    ...overrides,
    doc,
    failures:
      overrides.failures ?? makeMailFailureLog({ store: new CaseStore(doc, settings.TABLE_NAME), clock: systemClock }),
    ses: overrides.ses ?? sesClient(),
  });
}
