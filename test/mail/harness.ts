import { makeMailFailureLog } from '#app/mail-failures';
import { systemClock } from '#domain/clock';
import { CaseStore } from '#store/case-store';
import type { SESClient } from '@aws-sdk/client-ses';
import type { LocalSes } from '#local/ses-local';
import { startLocalSes } from '#local/ses-local';
import type { MailRecipients } from '#mail/recipients';
import type { SesMailerDeps } from '#mail/ses-mailer';
import { SesMailer } from '#mail/ses-mailer';
import { sesClient } from '#shared/aws-clients';
import { readMailbox } from '../support/mailbox';
import { freshTable } from '../support/table';

export const RECIPIENTS: MailRecipients = {
  from: 'rectify@example.gov.cn',
  fromName: '违法建设治理办公室',
  subdistricts: { 小龙坎街道: ['xlk-jdb@example.gov.cn', 'xlk-cgk@example.gov.cn'] },
  fallback: ['weijian@example.gov.cn'],
  alerts: ['ops@example.gov.cn'],
};
export const OFFICE = RECIPIENTS.subdistricts['小龙坎街道'] ?? [];
export const CONSOLE_URL = 'http://localhost:3000/console';

/** A fresh table, a local SES on its own port, and mailers over them (a new mailer = a restarted process). */
export async function mailHarness(label: string) {
  const table = await freshTable(label);
  let ses: LocalSes = await startLocalSes({ port: 0 });
  const port = ses.port;
  // Handler code finds the local SES the way it finds DynamoDB Local: through the endpoint variable.
  process.env.AWS_ENDPOINT_URL_SES = ses.endpoint;
  const clients: SESClient[] = [];
  const harness = {
    table,
    get endpoint() {
      return ses.endpoint;
    },
    sesClient(): SESClient {
      const client = sesClient();
      clients.push(client);
      return client;
    },
    mailer(overrides: Partial<SesMailerDeps> = {}): SesMailer {
      return new SesMailer({
        doc: table.doc,
        tableName: table.tableName,
        ses: overrides.ses ?? harness.sesClient(),
        recipients: RECIPIENTS,
        consoleUrl: CONSOLE_URL,
        // The failure log writes through the same client as the outbox, as the entries wire it.
        failures: makeMailFailureLog({
          store: new CaseStore(overrides.doc ?? table.doc, table.tableName),
          clock: systemClock,
        }),
        ...overrides,
      });
    },
    mailbox: () => readMailbox(ses.endpoint),
    /** The mail service goes away (connections are refused) … */
    async stopSes() {
      await ses.stop();
    },
    /** … and comes back on the same port. */
    async startSes() {
      ses = await startLocalSes({ port });
    },
    async close() {
      for (const client of clients) client.destroy();
      await ses.stop();
      await table.drop();
    },
  };
  return harness;
}
export type MailHarness = Awaited<ReturnType<typeof mailHarness>>;
