import { systemClock } from '../../functions/domain/clock';
import { MAIL_ID_HEADER_NAME, recordMailEvent, sesEventSchema } from '../../functions/mail/mail-events';
import { MAIL_ID_HEADER } from '../../functions/mail/ses-mailer';
import { CaseStates } from '../api/support/case-states';
import { freshTable } from '../support/table';

let table: Awaited<ReturnType<typeof freshTable>>;
const logged: { level: string; message: string }[] = [];
const logger = {
  info: (message: string) => void logged.push({ level: 'info', message }),
  warn: (message: string) => void logged.push({ level: 'warn', message }),
  error: (message: string) => void logged.push({ level: 'error', message }),
};

beforeAll(async () => {
  table = await freshTable('mail-events');
});
afterAll(async () => {
  await table.drop();
});

/** An SES event as event publishing sends it to the topic (trimmed to what SES always includes). */
function sesEvent(eventType: 'Bounce' | 'Complaint' | 'DeliveryDelay', caseId: string, extra: Record<string, unknown>) {
  return {
    eventType,
    mail: {
      timestamp: '2026-12-03T02:00:00.000Z',
      source: 'rectify@xiaolongkan.example.gov.cn',
      messageId: '0100019abc-msg',
      destination: ['office@xiaolongkan.example.gov.cn'],
      headers: [{ name: 'X-Rectify-Mail-Id', value: `${caseId}#notice-RN-1#notice-copy` }],
      tags: { case: [caseId], kind: ['notice-copy'], 'ses:configuration-set': ['rectify-test'] },
    },
    ...extra,
  };
}

const bounce = (caseId: string, feedbackId = 'feedback-1') =>
  sesEventSchema.parse(
    sesEvent('Bounce', caseId, {
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
    }),
  );

describe('SES bounce, complaint and delay events', () => {
  it('records a bounce on its case as EMAIL_FAILED with the recipient and diagnostic, and flags the case, once', async () => {
    const states = new CaseStates(table.store, () => new Date());
    const record = await states.noticeIssued();
    const deps = { store: table.store, clock: systemClock, logger };
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
    const deps = { store: table.store, clock: systemClock, logger };
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
    expect(await recordMailEvent(deps, delay)).toBe('logged');
    const types = [];
    for await (const event of table.store.allEvents(record.id)) types.push(event.type);
    expect(types.filter((t) => t === 'EMAIL_FAILED')).toHaveLength(1);
  });

  it('logs an event whose case tag is missing or not a case id, without writing', async () => {
    const deps = { store: table.store, clock: systemClock, logger };
    expect(await recordMailEvent(deps, bounce('__proto__'))).toBe('no-case');
    expect(await recordMailEvent(deps, bounce('C-20261203-ZZZZZZ'))).toBe('no-case');
    expect(logged.filter((l) => l.level === 'error').length).toBeGreaterThanOrEqual(2);
  });

  it('reads the mail id from the header the sender writes', () => {
    expect(MAIL_ID_HEADER_NAME).toBe(MAIL_ID_HEADER);
  });
});
