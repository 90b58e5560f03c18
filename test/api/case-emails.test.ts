import { makeMailFailureLog } from '#app/mail-failures';
import { systemClock } from '#domain/clock';
import { CaseStore } from '#store/case-store';
import type { SESClient } from '@aws-sdk/client-ses';
import type { LocalSes } from '#local/ses-local';
import { startLocalSes } from '#local/ses-local';
import { mailId } from '#mail/mailer';
import { recordMailEvent, sesEventSchema } from '#mail/mail-events';
import { Outbox } from '#store/outbox';
import { SesMailer } from '#mail/ses-mailer';
import { sesClient } from '#shared/aws-clients';
import { OFFICE, RECIPIENTS } from '../mail/harness';
import { freshTable } from '../support/table';
import type { ApiHarness } from './support/harness';
import { startApiHarness } from './support/harness';
import { CaseStates } from './support/case-states';

/** GET /cases/{id}/emails: what the outbox recorded about a case, with the real mailer and the local SES. */

let api: ApiHarness;
let table: Awaited<ReturnType<typeof freshTable>>;
let ses: LocalSes;
let sesSdk: SESClient;
let states: CaseStates;

beforeAll(async () => {
  table = await freshTable('case-emails');
  ses = await startLocalSes({ port: 0 });
  process.env.AWS_ENDPOINT_URL_SES = ses.endpoint;
  sesSdk = sesClient();
  const mailer = new SesMailer({
    doc: table.doc,
    tableName: table.tableName,
    ses: sesSdk,
    recipients: RECIPIENTS,
    failures: makeMailFailureLog({ store: new CaseStore(table.doc, table.tableName), clock: systemClock }),
  });
  api = await startApiHarness({ now: new Date('2026-12-09T02:00:00Z'), deps: { store: table.store, mailer } });
  states = new CaseStates(table.store, () => api.clock.now());
});
afterAll(async () => {
  await api.close();
  sesSdk.destroy();
  await ses.stop();
  await table.drop();
});

describe('GET /cases/{id}/emails', () => {
  it('lists the emails recorded about the case: kind, recipient, subject, status, times, attempts', async () => {
    const record = await states.escalated();
    const officer = await api.as('officer');
    const dismissed = await officer.post(`/cases/${record.id}/dismissal`, {
      reason: 'not-a-violation',
      explanation: '经核实已取得规划许可',
    });
    expect(dismissed.status).toBe(200);

    const answer = await officer.get(`/cases/${record.id}/emails`);
    expect(answer.status).toBe(200);
    const occasion = `case-dismissed-${dismissed.body.lastSeq}`;
    expect(answer.body.items).toEqual(
      OFFICE.map((to, i) =>
        expect.objectContaining({
          id: mailId(record.id, occasion, 'case-dismissed', i),
          kind: 'case-dismissed',
          to,
          status: 'SENT',
          attempts: 1,
          possibleRepeat: false,
          subject: expect.stringContaining('【案件撤销】'),
          createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
          sentAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        }),
      ),
    );
    // The list says what was sent, not the message itself, and nothing of the outbox's machinery.
    for (const item of answer.body.items as Record<string, unknown>[]) {
      expect(Object.keys(item).sort()).toEqual(
        expect.arrayContaining(['id', 'kind', 'to', 'subject', 'status', 'createdAt', 'attempts', 'possibleRepeat']),
      );
      expect(item).not.toHaveProperty('html');
      expect(item).not.toHaveProperty('claimToken');
    }
  });

  it('shows an email SES later reported bounced as BOUNCED, with the diagnostic and when it was reported', async () => {
    const record = await states.escalated();
    const officer = await api.as('officer');
    const dismissed = await officer.post(`/cases/${record.id}/dismissal`, {
      reason: 'not-a-violation',
      explanation: '经核实已取得规划许可',
    });
    expect(dismissed.status).toBe(200);
    const [sent] = await new Outbox(table.doc, table.tableName).listForCase(record.id);
    const bounce = sesEventSchema.parse({
      eventType: 'Bounce',
      mail: {
        messageId: sent?.messageId,
        destination: [sent?.to],
        headers: [{ name: 'X-Rectify-Mail-Id', value: sent?.id }],
        tags: { case: [record.id], kind: [sent?.kind] },
      },
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'NoEmail',
        feedbackId: 'feedback-api-1',
        bouncedRecipients: [{ emailAddress: sent?.to, diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
      },
    });
    const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const outbox = new Outbox(table.doc, table.tableName);
    expect(await recordMailEvent({ store: table.store, outbox, clock: api.clock, logger }, bounce)).toBe('recorded');

    const answer = await officer.get(`/cases/${record.id}/emails`);
    expect(answer.status).toBe(200);
    const items = answer.body.items as { id: string; status: string; lastError?: string; reportedAt?: string }[];
    expect(items.find((item) => item.id === sent?.id)).toEqual(
      expect.objectContaining({
        status: 'BOUNCED',
        lastError: 'smtp; 550 5.1.1 user unknown',
        reportedAt: api.clock.now().toISOString(),
      }),
    );
    expect(items.filter((item) => item.id !== sent?.id).map((item) => item.status)).toEqual(
      OFFICE.slice(1).map(() => 'SENT'),
    );
  });

  it('answers an empty list for a case nothing was sent about', async () => {
    const record = await states.reported();
    const answer = await (await api.as('auditor')).get(`/cases/${record.id}/emails`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ items: [] });
  });

  it('follows the case’s visibility: auditors and enforcers read it, a reporter only their own case, and an unknown case is 404', async () => {
    const own = await states.reported({ reporterSub: 'reporter-own' });
    expect((await (await api.as('enforcer')).get(`/cases/${own.id}/emails`)).status).toBe(200);
    expect((await (await api.as('reporter', 'reporter-own')).get(`/cases/${own.id}/emails`)).status).toBe(200);
    const other = await (await api.as('reporter', 'reporter-other')).get(`/cases/${own.id}/emails`);
    expect(other.status).toBe(404);
    expect((await (await api.as('officer')).get('/cases/C-20261209-ZZZZZZ/emails')).status).toBe(404);
    expect((await api.anonymous.get(`/cases/${own.id}/emails`)).status).toBe(401);
  });
});
