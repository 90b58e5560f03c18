import { systemClock } from '#domain/clock';
import { MAIL_ID_HEADER_NAME, recordMailEvent, sesEventSchema } from '#mail/mail-events';
import { Outbox } from '#store/outbox';
import { MAIL_ID_HEADER } from '#mail/ses-transport';
import { CaseStates } from '../api/support/case-states';
import { mailHarness, OFFICE } from './harness';

let h: Awaited<ReturnType<typeof mailHarness>>;
let table: Awaited<ReturnType<typeof mailHarness>>['table'];
const logged: { level: string; message: string }[] = [];
const logger = {
  info: (message: string) => void logged.push({ level: 'info', message }),
  warn: (message: string) => void logged.push({ level: 'warn', message }),
  error: (message: string) => void logged.push({ level: 'error', message }),
};

beforeAll(async () => {
  h = await mailHarness('mail-events');
  table = h.table;
});
afterAll(async () => {
  await h.close();
});

/** An SES event as event publishing sends it to the topic (trimmed to what SES always includes). */
function sesEvent(
  eventType: 'Bounce' | 'Complaint' | 'DeliveryDelay',
  caseId: string,
  extra: Record<string, unknown>,
  sent: { mailId?: string | null; messageId?: string; to?: string } = {},
) {
  const mailId = sent.mailId === undefined ? `${caseId}#notice-RN-1#notice-copy` : sent.mailId;
  return {
    eventType,
    mail: {
      timestamp: '2026-12-03T02:00:00.000Z',
      source: 'rectify@xiaolongkan.example.gov.cn',
      messageId: sent.messageId ?? '0100019abc-msg',
      destination: [sent.to ?? 'office@xiaolongkan.example.gov.cn'],
      headers: mailId === null ? [] : [{ name: 'X-Rectify-Mail-Id', value: mailId }],
      tags: { case: [caseId], kind: ['notice-copy'], 'ses:configuration-set': ['rectify-test'] },
    },
    ...extra,
  };
}

const bounce = (caseId: string, feedbackId = 'feedback-1', sent: Parameters<typeof sesEvent>[3] = {}) =>
  sesEventSchema.parse(
    sesEvent(
      'Bounce',
      caseId,
      {
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          feedbackId,
          timestamp: '2026-12-03T02:00:05.000Z',
          bouncedRecipients: [
            {
              emailAddress: 'office@xiaolongkan.example.gov.cn',
              status: '5.1.1',
              diagnosticCode: 'smtp; 550 5.1.1 user unknown',
            },
          ],
        },
      },
      sent,
    ),
  );

describe('SES bounce, complaint and delay events', () => {
  it('records a bounce on its case as EMAIL_FAILED with the recipient and diagnostic, and flags the case, once', async () => {
    const states = new CaseStates(table.store, () => new Date());
    const record = await states.noticeIssued();
    const deps = { store: table.store, outbox: new Outbox(table.doc, table.tableName), clock: systemClock, logger };
    expect(await recordMailEvent(deps, bounce(record.id))).toBe('recorded');
    // SNS delivers at least once: the same notification again adds nothing.
    expect(await recordMailEvent(deps, bounce(record.id))).toBe('already-recorded');
    const failed = [];
    for await (const event of table.store.allEvents(record.id))
      if (event.type === 'EMAIL_FAILED') failed.push(event.data);
    expect(failed).toEqual([
      expect.objectContaining({
        outcome: 'bounced',
        bounceType: 'Permanent/General',
        to: 'office@xiaolongkan.example.gov.cn',
        kind: 'notice-copy',
        mailId: `${record.id}#notice-RN-1#notice-copy`,
        feedbackId: 'feedback-1',
        error: 'smtp; 550 5.1.1 user unknown',
      }),
    ]);
    const stored = await table.store.getCase(record.id);
    expect(stored?.attention?.reason).toBe('email notice-copy to office@xiaolongkan.example.gov.cn bounced');
    expect(stored?.status).toBe(record.status);
    const flagged = await table.store.listFlagged({ limit: 100 });
    expect(flagged.items.map((i) => i.caseId)).toContain(record.id);
  });

  it('records a complaint too, and only logs a delivery delay (SES keeps trying)', async () => {
    const states = new CaseStates(table.store, () => new Date());
    const record = await states.reported();
    const deps = { store: table.store, outbox: new Outbox(table.doc, table.tableName), clock: systemClock, logger };
    const complaint = sesEventSchema.parse(
      sesEvent('Complaint', record.id, {
        complaint: {
          feedbackId: 'complaint-1',
          complaintFeedbackType: 'abuse',
          complainedRecipients: [{ emailAddress: 'office@xiaolongkan.example.gov.cn' }],
        },
      }),
    );
    expect(await recordMailEvent(deps, complaint)).toBe('recorded');
    const delay = sesEventSchema.parse(
      sesEvent('DeliveryDelay', record.id, {
        deliveryDelay: {
          delayType: 'MailboxFull',
          delayedRecipients: [{ emailAddress: 'office@xiaolongkan.example.gov.cn' }],
        },
      }),
    );
    // No outbox entry has that id: the delay is only logged.
    expect(await recordMailEvent(deps, delay)).toBe('logged');
    const types = [];
    for await (const event of table.store.allEvents(record.id)) types.push(event.type);
    expect(types.filter((t) => t === 'EMAIL_FAILED')).toHaveLength(1);
  });

  it('logs an event whose case tag is missing or not a case id, without writing', async () => {
    const deps = { store: table.store, outbox: new Outbox(table.doc, table.tableName), clock: systemClock, logger };
    expect(await recordMailEvent(deps, bounce('__proto__'))).toBe('no-case');
    expect(await recordMailEvent(deps, bounce('C-20261203-ZZZZZZ'))).toBe('no-case');
    expect(logged.filter((l) => l.level === 'error').length).toBeGreaterThanOrEqual(2);
  });

  it('marks the outbox entry of a bounced email BOUNCED (found by its X-Rectify-Mail-Id), with the diagnostic', async () => {
    const states = new CaseStates(table.store, () => new Date());
    const record = await states.noticeIssued();
    const deps = { store: table.store, outbox: new Outbox(table.doc, table.tableName), clock: systemClock, logger };
    const deliveries = await h.mailer().deliver({ kind: 'notice-copy', occasion: 'notice-RN-9', caseRecord: record });
    expect(deliveries.map((d) => d.status)).toEqual(OFFICE.map(() => 'sent'));
    const outbox = new Outbox(table.doc, table.tableName);
    const [first, second] = await outbox.listForCase(record.id);
    expect(first?.status).toBe('SENT');
    expect(
      await recordMailEvent(
        deps,
        bounce(record.id, 'feedback-outbox-1', { mailId: first?.id, messageId: first?.messageId, to: first?.to }),
      ),
    ).toBe('recorded');
    const bounced = await outbox.get(record.id, first?.id ?? '');
    expect(bounced).toEqual(
      expect.objectContaining({ status: 'BOUNCED', lastError: 'smtp; 550 5.1.1 user unknown', sentAt: first?.sentAt }),
    );
    expect(bounced?.reportedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // The other recipient's copy arrived: it still says SENT.
    expect((await outbox.get(record.id, second?.id ?? ''))?.status).toBe('SENT');
    // The same mailer asked again for the same email does not send it again, and says it failed.
    const again = await h.mailer().deliver({ kind: 'notice-copy', occasion: 'notice-RN-9', caseRecord: record });
    expect(again.map((d) => d.status)).toEqual(['failed', 'already-sent']);
  });

  it('marks a complained-of email COMPLAINED, found by its SES message id when the header is missing', async () => {
    const states = new CaseStates(table.store, () => new Date());
    const record = await states.noticeIssued();
    const deps = { store: table.store, outbox: new Outbox(table.doc, table.tableName), clock: systemClock, logger };
    await h.mailer().deliver({ kind: 'notice-copy', occasion: 'notice-RN-10', caseRecord: record });
    const outbox = new Outbox(table.doc, table.tableName);
    const sent = (await outbox.listForCase(record.id))[1];
    const complaint = sesEventSchema.parse(
      sesEvent(
        'Complaint',
        record.id,
        {
          complaint: {
            feedbackId: 'complaint-outbox-1',
            complaintFeedbackType: 'abuse',
            complainedRecipients: [{ emailAddress: sent?.to }],
          },
        },
        { mailId: null, messageId: sent?.messageId, to: sent?.to },
      ),
    );
    expect(await recordMailEvent(deps, complaint)).toBe('recorded');
    expect((await outbox.get(record.id, sent?.id ?? ''))?.status).toBe('COMPLAINED');
    const failed = [];
    for await (const event of table.store.allEvents(record.id))
      if (event.type === 'EMAIL_FAILED') failed.push(event.data);
    expect(failed).toEqual([expect.objectContaining({ outcome: 'complained', mailId: sent?.id })]);
  });

  it('notes a delivery delay on the outbox entry and keeps its status (SES keeps trying)', async () => {
    const states = new CaseStates(table.store, () => new Date());
    const record = await states.noticeIssued();
    const deps = { store: table.store, outbox: new Outbox(table.doc, table.tableName), clock: systemClock, logger };
    await h.mailer().deliver({ kind: 'notice-copy', occasion: 'notice-RN-11', caseRecord: record });
    const outbox = new Outbox(table.doc, table.tableName);
    const sent = (await outbox.listForCase(record.id))[0];
    const delay = sesEventSchema.parse(
      sesEvent(
        'DeliveryDelay',
        record.id,
        { deliveryDelay: { delayType: 'MailboxFull', delayedRecipients: [{ emailAddress: sent?.to }] } },
        { mailId: sent?.id, messageId: sent?.messageId, to: sent?.to },
      ),
    );
    expect(await recordMailEvent(deps, delay)).toBe('delay-noted');
    const noted = await outbox.get(record.id, sent?.id ?? '');
    expect(noted).toEqual(expect.objectContaining({ status: 'SENT', delayType: 'MailboxFull' }));
    expect(noted?.delayedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('reads the mail id from the header the sender writes', () => {
    expect(MAIL_ID_HEADER_NAME).toBe(MAIL_ID_HEADER);
  });
});
