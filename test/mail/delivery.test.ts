import { MessageRejected } from '@aws-sdk/client-ses';
import { verifyChain } from '#domain/chain';
import type { CaseEvent } from '#domain/schemas';
import { formatShanghai } from '#domain/shanghai-time';
import type { MailKind } from '#domain/mail-vocabulary';
import { MAIL_KINDS } from '#domain/mail-vocabulary';
import type { MailRequest } from '#mail/mailer';
import { mailId } from '#mail/mailer';
import { MailRequestError } from '#mail/compose';
import { seedSubmission } from '../fixtures/submissions';
import { arrivalsById, mailboxForCase } from '../support/mailbox';
import type { MailHarness } from './harness';
import { CONSOLE_URL, OFFICE, RECIPIENTS, mailHarness } from './harness';
import type { CaseStages } from './stages';
import { caseThroughStages, recordFor } from './stages';

const FACTS: Partial<Record<MailKind, MailRequest['facts']>> = {
  escalation: { inspectionResult: 'not-demolished', inspectedAt: '2026-12-08T02:00:00Z' },
  'appeal-hold': {
    appealKind: 'reconsideration',
    appealAuthority: '沙坪坝区人民政府',
    appealReference: '沙府复〔2027〕3号',
    appealFiledOn: '2027-01-04',
  },
  'workflow-failure': { step: 'Schedule the enforcement', cause: 'States.Timeout' },
};

function requestFor(stages: CaseStages, kind: MailKind): MailRequest {
  return { kind, occasion: `${kind}-1`, caseRecord: recordFor(stages, kind), facts: FACTS[kind] };
}

async function allEvents(h: MailHarness, caseId: string): Promise<CaseEvent[]> {
  const events: CaseEvent[] = [];
  for await (const e of h.table.store.allEvents(caseId)) events.push(e);
  return events;
}

describe('delivering every kind of email through the local SES', () => {
  let h: MailHarness;
  let stages: CaseStages;
  beforeAll(async () => {
    h = await mailHarness('mail-delivery');
    stages = await caseThroughStages(h.table.store);
    const mailer = h.mailer();
    for (const kind of MAIL_KINDS) await mailer.deliver(requestFor(stages, kind));
  });
  afterAll(async () => {
    await h.close();
  });

  it('each kind arrives once per recipient: the office for everything, the party for its notice, operations for alerts', async () => {
    const mails = await mailboxForCase(h.endpoint, stages.reported.id);
    const received = mails.map((m) => `${m.mailId} → ${m.to.join(',')}`).sort();
    const expected = MAIL_KINDS.flatMap((kind) => {
      const to =
        kind === 'notice-to-party'
          ? ['zhang@example.cn']
          : kind === 'workflow-failure'
            ? [...OFFICE, 'ops@example.gov.cn']
            : OFFICE;
      return to.map((address, i) => `${mailId(stages.reported.id, `${kind}-1`, kind, i)} → ${address}`);
    }).sort();
    expect(received).toEqual(expected);
    // The sender's name arrives decoded (MIME-encoded on the wire, shown as written).
    expect(new Set(mails.map((m) => m.from))).toEqual(new Set(['"违法建设治理办公室" <rectify@example.gov.cn>']));
  });

  it('each email states the notice number, the deadline in Beijing time, the next step and the link', async () => {
    const mails = await mailboxForCase(h.endpoint, stages.reported.id);
    const notice = stages.noticed.notice;
    if (!notice) throw new Error('fixture has no notice');
    const deadline = formatShanghai(notice.deadline.at);
    const byKind = (kind: MailKind) => mails.find((m) => m.mailId === mailId(stages.reported.id, `${kind}-1`, kind));
    const missing = MAIL_KINDS.filter((kind) => {
      const m = byKind(kind);
      if (!m) return true;
      const needsNotice = kind !== 'workflow-failure';
      const hasLink = m.text.includes(`${CONSOLE_URL}/cases/${stages.reported.id}`);
      // The extension's email gives the deadline as extended.
      const due = kind === 'deadline-extended' ? formatShanghai(stages.extended.notice?.deadline.at ?? '') : deadline;
      return (
        (needsNotice && !(m.subject.includes(notice.number) && m.text.includes(due) && m.html.includes(due))) ||
        !m.text.includes('下一步：') ||
        !m.text.includes('Next: ') ||
        hasLink === (kind === 'notice-to-party')
      );
    });
    expect(missing).toEqual([]);

    const urge = stages.escalated.deadlines.urge;
    expect(byKind('escalation')?.text).toContain(`催告期限：${formatShanghai(urge?.at ?? '')}`);
    expect(byKind('escalation')?.text).toContain('复查结果：未拆除');
    expect(byKind('enforcement-scheduled')?.text).toContain(
      `强制拆除时间：${formatShanghai(stages.scheduled.enforcementAt ?? '')}`,
    );
    expect(byKind('appeal-hold')?.text).toContain('文号：沙府复〔2027〕3号');
    expect(byKind('workflow-failure')?.text).toContain('失败步骤：Schedule the enforcement');
  });

  it('records each email in the outbox as sent, with the message id SES gave it, and leaves nothing pending', async () => {
    const outbox = await h.mailer().outbox.listForCase(stages.reported.id);
    const mails = await mailboxForCase(h.endpoint, stages.reported.id);
    expect(outbox.map((m) => m.status)).toEqual(outbox.map(() => 'SENT'));
    expect(outbox.map((m) => `${m.id}=${m.messageId}`).sort()).toEqual(
      mails.map((m) => `${m.mailId}=${m.messageId}`).sort(),
    );
    expect((await h.mailer().outbox.pendingPage()).items).toEqual([]);
  });

  it('delivering the same requests again (a retried task, a re-run phase) sends nothing new', async () => {
    const before = await mailboxForCase(h.endpoint, stages.reported.id);
    // A fresh mailer, as after a restart; and the re-run sees the case as it stands later.
    const mailer = h.mailer();
    const again = [];
    for (const kind of MAIL_KINDS)
      again.push(...(await mailer.deliver({ ...requestFor(stages, kind), caseRecord: stages.scheduled })));
    expect(new Set(again.map((d) => d.status))).toEqual(new Set(['already-sent']));
    const after = await mailboxForCase(h.endpoint, stages.reported.id);
    expect(after).toHaveLength(before.length);
    expect(Object.values(arrivalsById(after))).toEqual(after.map(() => 1));
  });

  it('a new occasion is a new email', async () => {
    const deliveries = await h
      .mailer()
      .deliver({ kind: 'reminder', occasion: 'reminder-after-extension-1', caseRecord: stages.noticed });
    expect(deliveries.map((d) => d.status)).toEqual(['sent', 'sent']);
  });
});

describe('recipients', () => {
  let h: MailHarness;
  beforeAll(async () => {
    h = await mailHarness('mail-recipients');
  });
  afterAll(async () => {
    await h.close();
  });

  it('a sub-district without configured addresses goes to the fallback address', async () => {
    const stages = await caseThroughStages(h.table.store, {
      submission: seedSubmission({
        location: { subdistrict: '井口街道', community: '南溪村', address: '南溪村3社12号' },
      }),
    });
    await h.mailer().deliver({ kind: 'notice-copy', occasion: 'notice-RN-2026-000012', caseRecord: stages.noticed });
    const mails = await mailboxForCase(h.endpoint, stages.reported.id);
    expect(mails.map((m) => m.to)).toEqual([RECIPIENTS.fallback]);
  });

  it('the party notice is not sent when no party email is known', async () => {
    const party = { name: '刘某', phone: '13900139000' };
    const stages = await caseThroughStages(h.table.store, { submission: seedSubmission({ responsibleParty: party }) });
    const deliveries = await h
      .mailer()
      .deliver({ kind: 'notice-to-party', occasion: 'notice-RN-2026-000012', caseRecord: stages.noticed });
    expect(deliveries).toEqual([]);
    expect(await mailboxForCase(h.endpoint, stages.reported.id)).toEqual([]);
  });

  it('a hostile description arrives escaped', async () => {
    const hostile = '<script>alert(document.cookie)</script>\u202E 违建 Кириллица العربية 😀 ' + 'X'.repeat(1900);
    const stages = await caseThroughStages(h.table.store, { submission: seedSubmission({ description: hostile }) });
    await h.mailer().deliver({ kind: 'notice-copy', occasion: 'notice-RN-2026-000012', caseRecord: stages.noticed });
    const [mail] = await mailboxForCase(h.endpoint, stages.reported.id);
    expect(mail?.html).not.toMatch(/<script/i);
    expect(mail?.html).toContain('&lt;script&gt;alert(document.cookie)&lt;/script&gt;');
    expect(mail?.html).not.toContain('\u202E');
    expect(mail?.text).toContain('违建 Кириллица العربية 😀');
    expect(mail?.text).not.toMatch(/X{801}/);
  });

  it('refuses a malformed request before recording anything, naming the field', async () => {
    const stages = await caseThroughStages(h.table.store);
    const mailer = h.mailer();
    await expect(
      mailer.deliver({ kind: 'notice-copy', occasion: 'notice#1', caseRecord: stages.noticed }),
    ).rejects.toThrow(MailRequestError);
    await expect(
      mailer.deliver({ kind: 'notice-copy', occasion: 'notice#1', caseRecord: stages.noticed }),
    ).rejects.toThrow(/occasion/);
    await expect(
      mailer.deliver({
        kind: 'escalation',
        occasion: 'esc-1',
        caseRecord: stages.escalated,
        facts: { inspectionResult: 'maybe' },
      }),
    ).rejects.toThrow(/facts\.inspectionResult/);
    expect(await mailer.outbox.listForCase(stages.reported.id)).toEqual([]);
  });
});

describe('an email SES refuses for good', () => {
  let h: MailHarness;
  beforeAll(async () => {
    h = await mailHarness('mail-refused');
  });
  afterAll(async () => {
    await h.close();
  });

  it('records EMAIL_FAILED on the case, flags it and alerts the office and operations, once', async () => {
    const stages = await caseThroughStages(h.table.store);
    // SES would answer MessageRejected for this address (e.g. a recipient not verified in the sandbox).
    const ses = h.sesClient();
    ses.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { Destinations?: string[] };
        if (input.Destinations?.includes('xlk-cgk@example.gov.cn')) {
          throw new MessageRejected({ message: 'Email address is not verified.', $metadata: { httpStatusCode: 400 } });
        }
        return next(args);
      },
      { step: 'initialize', name: 'rejectOneRecipient' },
    );
    const mailer = h.mailer({ ses });
    const request: MailRequest = { kind: 'notice-copy', occasion: 'notice-RN-2026-000012', caseRecord: stages.noticed };
    const deliveries = await mailer.deliver(request);
    expect(deliveries.map((d) => d.status)).toEqual(['sent', 'failed']);

    const events = await allEvents(h, stages.reported.id);
    // The notice copy, and the alert about it to the same refused address (which raises no further alert).
    const failures = events.filter((e) => e.type === 'EMAIL_FAILED');
    expect(failures.map((e) => [e.data.kind, e.data.to, e.data.outcome, e.status])).toEqual([
      ['notice-copy', 'xlk-cgk@example.gov.cn', 'refused', stages.scheduled.status],
      ['workflow-failure', 'xlk-cgk@example.gov.cn', 'refused', stages.scheduled.status],
    ]);
    const record = await h.table.store.getCase(stages.reported.id);
    expect(verifyChain(events, record)).toMatchObject({ ok: true });
    expect(record?.attention?.reason).toMatch(/email (notice-copy|workflow-failure) to xlk-cgk@example.gov.cn refused/);
    expect((await h.table.store.listFlagged()).items.map((f) => f.caseId)).toContain(stages.reported.id);

    const mails = await mailboxForCase(h.endpoint, stages.reported.id);
    const alerts = mails.filter((m) => m.mailId?.includes('#workflow-failure'));
    expect(alerts.map((m) => m.to[0])).toEqual(['xlk-jdb@example.gov.cn', 'ops@example.gov.cn']);
    expect(alerts[0]?.text).toContain('收件人：xlk-cgk@example.gov.cn');
    expect(alerts[0]?.text).toContain('MessageRejected');

    const countBefore = mails.length;
    expect((await mailer.deliver(request)).map((d) => d.status)).toEqual(['already-sent', 'failed']);
    expect(await mailboxForCase(h.endpoint, stages.reported.id)).toHaveLength(countBefore);
    const eventsAfter = await allEvents(h, stages.reported.id);
    expect(eventsAfter).toHaveLength(events.length);
    expect(await mailer.deliverPending()).toEqual({ sent: 0, pending: 0, failed: 0, unconfirmed: 0 });
  });
});
