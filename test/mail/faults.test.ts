import { SESServiceException } from '@aws-sdk/client-ses';
import type { CaseEvent } from '#domain/schemas';
import type { MailRequest } from '#mail/mailer';
import { dynamoDbClient, documentClient } from '#shared/aws-clients';
import { arrivalsById, mailboxForCase } from '../support/mailbox';
import type { MailHarness } from './harness';
import { mailHarness } from './harness';
import { caseThroughStages } from './stages';

const HOUR = 3_600_000;
const fastRetry = { quickDelayMs: 5 };
const noPause = () => Promise.resolve();

async function emailFailures(h: MailHarness, caseId: string): Promise<CaseEvent[]> {
  const events: CaseEvent[] = [];
  for await (const e of h.table.store.allEvents(caseId)) if (e.type === 'EMAIL_FAILED') events.push(e);
  return events;
}

describe('the mail service unavailable for a while', () => {
  let h: MailHarness;
  beforeAll(async () => {
    h = await mailHarness('mail-outage');
  });
  afterAll(async () => {
    await h.close();
  });

  it('keeps every email pending through the outage and a restart, then delivers each exactly once', async () => {
    const stages = await caseThroughStages(h.table.store);
    const requests: MailRequest[] = [
      { kind: 'notice-copy', occasion: 'notice-RN-2026-000012', caseRecord: stages.noticed },
      { kind: 'notice-to-party', occasion: 'notice-RN-2026-000012', caseRecord: stages.noticed },
      { kind: 'reminder', occasion: 'reminder-1', caseRecord: stages.noticed },
    ];
    let wall = Date.now();
    const wallNow = () => wall;

    await h.stopSes();
    const first = h.mailer({ wallNow, retry: fastRetry });
    const during = [];
    for (const request of requests) during.push(...(await first.deliver(request)));
    expect(during.map((d) => d.status)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending']);

    // A sweep while it is still down, after the backoff: another round, still pending.
    wall += HOUR;
    expect(await first.deliverPending()).toEqual({ sent: 0, pending: 5, failed: 0, unconfirmed: 0 });

    // The process restarts (a new mailer over the same table) and the mail service comes back.
    await h.startSes();
    const restarted = h.mailer({ wallNow, retry: fastRetry });
    // Not yet due: the backoff is kept across the restart.
    expect(await restarted.deliverPending()).toEqual({ sent: 0, pending: 5, failed: 0, unconfirmed: 0 });
    expect(await mailboxForCase(h.endpoint, stages.reported.id)).toEqual([]);

    wall += HOUR;
    expect(await restarted.deliverPending()).toEqual({ sent: 5, pending: 0, failed: 0, unconfirmed: 0 });
    const mails = await mailboxForCase(h.endpoint, stages.reported.id);
    expect(Object.values(arrivalsById(mails))).toEqual([1, 1, 1, 1, 1]);
    expect(mails.map((m) => m.to[0]).sort()).toEqual([
      'xlk-cgk@example.gov.cn',
      'xlk-cgk@example.gov.cn',
      'xlk-jdb@example.gov.cn',
      'xlk-jdb@example.gov.cn',
      'zhang@example.cn',
    ]);

    // Nothing is left to send, and the phase re-running sends nothing new.
    expect(await restarted.deliverPending()).toEqual({ sent: 0, pending: 0, failed: 0, unconfirmed: 0 });
    for (const request of requests)
      expect((await restarted.deliver(request)).every((d) => d.status === 'already-sent')).toBe(true);
    expect(await mailboxForCase(h.endpoint, stages.reported.id)).toHaveLength(5);
    expect(await emailFailures(h, stages.reported.id)).toEqual([]);
  });

  it('gives up after the configured rounds: the email fails with an event and an alert that is delivered once the service is back', async () => {
    const stages = await caseThroughStages(h.table.store);
    let wall = Date.now();
    const mailer = h.mailer({ wallNow: () => wall, retry: { ...fastRetry, maxRounds: 2 } });
    await h.stopSes();
    try {
      expect(
        await mailer.deliver({ kind: 'notice-to-party', occasion: 'notice-1', caseRecord: stages.noticed }),
      ).toEqual([{ id: `${stages.reported.id}#notice-1#notice-to-party`, status: 'pending' }]);
      wall += HOUR;
      const report = await mailer.deliverPending();
      expect(report.failed).toBe(1);
    } finally {
      await h.startSes();
    }
    const failures = await emailFailures(h, stages.reported.id);
    expect(failures.map((e) => [e.data.kind, e.data.outcome])).toEqual([['notice-to-party', 'refused']]);
    expect(String(failures[0]?.data.error)).toMatch(/gave up after 2 rounds: .*ECONNREFUSED/);

    wall += HOUR;
    await mailer.deliverPending();
    const mails = await mailboxForCase(h.endpoint, stages.reported.id);
    expect(mails.map((m) => `${m.mailId?.split('#')[2]} → ${m.to[0]}`).sort()).toEqual([
      'workflow-failure → ops@example.gov.cn',
      'workflow-failure → xlk-cgk@example.gov.cn',
      'workflow-failure → xlk-jdb@example.gov.cn',
    ]);
    expect(mails[0]?.text).toContain('邮件：notice-to-party');
    expect(mails[0]?.text).toContain('收件人：zhang@example.cn');
  });
});

describe('throttling', () => {
  let h: MailHarness;
  beforeAll(async () => {
    h = await mailHarness('mail-throttle');
  });
  afterAll(async () => {
    await h.close();
  });

  it('is retried with backoff within the round and the email arrives once', async () => {
    const stages = await caseThroughStages(h.table.store);
    const ses = h.sesClient();
    let refusals = 0;
    ses.middlewareStack.add(
      (next) => async (args) => {
        if (refusals < 2) {
          refusals += 1;
          throw new SESServiceException({
            name: 'Throttling',
            $fault: 'client',
            message: 'Maximum sending rate exceeded.',
            $metadata: { httpStatusCode: 400 },
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'throttleTwice' },
    );
    const deliveries = await h
      .mailer({ ses, retry: fastRetry })
      .deliver({ kind: 'escalation', occasion: 'escalation-1', caseRecord: stages.escalated });
    expect(deliveries.map((d) => d.status)).toEqual(['sent', 'sent']);
    expect(refusals).toBe(2);
    const mails = await mailboxForCase(h.endpoint, stages.reported.id);
    expect(Object.values(arrivalsById(mails))).toEqual([1, 1]);
  });
});

describe('the window between sending and recording it', () => {
  let h: MailHarness;
  beforeAll(async () => {
    h = await mailHarness('mail-crash');
  });
  afterAll(async () => {
    await h.close();
  });

  it('the party’s notice, whose sender stopped after SES took it, is never sent twice: it is settled UNCONFIRMED and people are told', async () => {
    const stages = await caseThroughStages(h.table.store);
    let wall = Date.now();
    const wallNow = () => wall;

    // This process can reach SES but loses DynamoDB right after sending: it never records "sent".
    const crashingClient = dynamoDbClient();
    crashingClient.middlewareStack.add(
      (next) => async (args) => {
        if (JSON.stringify(args.input).includes('"SENT"'))
          throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        return next(args);
      },
      { step: 'initialize', name: 'loseTheTableAfterSending' },
    );
    const crashing = h.mailer({ doc: documentClient(crashingClient), wallNow, sleep: noPause });
    const request: MailRequest = { kind: 'notice-to-party', occasion: 'notice-1', caseRecord: stages.noticed };
    try {
      await expect(crashing.deliver(request)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      crashingClient.destroy();
    }
    expect(await mailboxForCase(h.endpoint, stages.reported.id)).toHaveLength(1);

    // A new process: while the stopped sender's claim runs, the email is left alone.
    const next = h.mailer({ wallNow });
    expect(await next.deliverPending()).toEqual({ sent: 0, pending: 1, failed: 0, unconfirmed: 0 });
    expect(await next.deliver(request)).toEqual([
      { id: `${stages.reported.id}#notice-1#notice-to-party`, status: 'pending' },
    ]);

    // Once the claim has lapsed, it is not resent: it is settled, recorded on the case and alerted.
    wall += HOUR;
    expect(await next.deliverPending()).toEqual({ sent: 0, pending: 0, failed: 0, unconfirmed: 1 });
    const mails = await mailboxForCase(h.endpoint, stages.reported.id);
    expect(mails.map((m) => `${m.mailId?.split('#')[2]} → ${m.to[0]}`)).toEqual([
      'notice-to-party → zhang@example.cn',
      'workflow-failure → xlk-jdb@example.gov.cn',
      'workflow-failure → xlk-cgk@example.gov.cn',
      'workflow-failure → ops@example.gov.cn',
    ]);
    expect(mails[1]?.text).toContain('未能确认送达');
    expect((await emailFailures(h, stages.reported.id)).map((e) => [e.data.kind, e.data.outcome])).toEqual([
      ['notice-to-party', 'unconfirmed'],
    ]);

    // Asking again changes nothing.
    expect((await next.deliver(request)).map((d) => d.status)).toEqual(['unconfirmed']);
    expect(await next.deliverPending()).toEqual({ sent: 0, pending: 0, failed: 0, unconfirmed: 0 });
    expect(await mailboxForCase(h.endpoint, stages.reported.id)).toHaveLength(4);
  });
});
