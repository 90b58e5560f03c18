import { createHash } from 'node:crypto';
import { makeMailFailureLog } from '#app/mail-failures';
import type { IssuedDocument } from '#domain/documents';
import { chineseDateTime } from '#documents/chinese-date';
import { documentContent } from '#documents/document-content';
import { documentFont } from '#documents/document-font';
import { renderDocumentPdf } from '#documents/render-pdf';
import { sampleDocumentFacts } from '../fixtures/documents';
import type { SESClient } from '@aws-sdk/client-ses';
import type { CaseRecord } from '#domain/schemas';
import { formatShanghai } from '#domain/shanghai-time';
import type { LocalSes } from '#local/ses-local';
import { startLocalSes } from '#local/ses-local';
import type { MailKind } from '#domain/mail-vocabulary';
import type { MailDelivery } from '#mail/mailer';
import { SesMailer } from '#mail/ses-mailer';
import { sesClient } from '#shared/aws-clients';
import { executionName } from '#workflow/engine';
import { startCaseWorkflow } from '#workflow/phases';
import type { MailboxEmail } from '../support/mailbox';
import { arrivalsById, mailboxForCase } from '../support/mailbox';
import { pdfText } from '../support/poppler';
import type { Harness } from '../workflow/harness';
import {
  carryingExecutionEnds,
  caseOf,
  completeEnforcement,
  fileAppeal,
  historyOf,
  recordInspection,
  reportCase,
  resolveAppealUpheld,
  startScenario,
  waitForCallback,
  waitForCase,
  waitForStatus,
  workflowHarness,
} from '../workflow/harness';
import { seedSubmission } from '../fixtures/submissions';
import { CONSOLE_URL, OFFICE, RECIPIENTS } from './harness';

/**
 * Lifecycle paths through the real ASL on the local engine, with the real mailer, the outbox in the
 * case table and the local SES: exactly the expected emails, to the expected addresses, each once.
 */

const PARTY = 'zhang@example.cn';
const OPS = RECIPIENTS.alerts ?? [];

let harness: Harness;
let ses: LocalSes;
let sesSdk: SESClient;
const answers: MailDelivery[] = [];

/** The ids the mailer answered `already-sent` for: emails a retried or re-run step asked for again. */
function askedAgain(caseId: string): string[] {
  return [
    ...new Set(
      answers
        .filter((d) => d.id.startsWith(`${caseId}#`) && d.status === 'already-sent')
        .map((d) => d.id.split('#')[2] ?? ''),
    ),
  ].sort();
}

beforeAll(async () => {
  // Each step that issues a document renders and stores it and sends it attached: on a busy machine over
  // a wall second, which at the default factor is days of legal time, more than a test period's lead.
  harness = await workflowHarness({ factor: 100_000 });
  // The first render loads the font and warms the renderer (a Lambda pays it once per instance, too).
  await renderDocumentPdf(documentContent(sampleDocumentFacts()), { font: documentFont(), issuedAt: new Date() });
  ses = await startLocalSes({ port: 0 });
  process.env.AWS_ENDPOINT_URL_SES = ses.endpoint;
  sesSdk = sesClient();
  const mailer = new SesMailer({
    doc: harness.engineOptions.doc,
    tableName: harness.engineOptions.tableName,
    ses: sesSdk,
    recipients: RECIPIENTS,
    consoleUrl: CONSOLE_URL,
    failures: makeMailFailureLog({ store: harness.store, clock: harness.clock }),
    // The documents the emails announce are attached from where the workflow stored them.
    objects: harness.objects,
  });
  // The real mailer, noting every answer it gives, so a test can tell a re-run asked again.
  harness.engineOptions.taskDeps.mailer = {
    async deliver(request) {
      const deliveries = await mailer.deliver(request);
      answers.push(...deliveries);
      return deliveries;
    },
  };
  await harness.restartEngine();
});

afterAll(async () => {
  await harness.close();
  sesSdk.destroy();
  await ses.stop();
});

beforeEach(async () => {
  harness.faults.clear();
  await startScenario(harness);
});

const intake = (caseId: string) => executionName({ caseId, phase: 'intake', round: 1 });

/** `kind → address` for every email of the case in the mailbox, sorted; and each email arrived once. */
async function mailsOf(caseId: string): Promise<{ mails: MailboxEmail[]; routes: string[] }> {
  const mails = await mailboxForCase(ses.endpoint, caseId);
  expect(Object.values(arrivalsById(mails))).toEqual(mails.map(() => 1));
  return { mails, routes: mails.map((m) => `${m.mailId?.split('#')[2]} → ${m.to.join(',')}`).sort() };
}

/** The workflow records a step, then asks for its emails: wait until `count` emails of the case arrived. */
async function waitForMails(caseId: string, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await mailboxForCase(ses.endpoint, caseId)).length < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} emails arrived for ${caseId}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function routes(expected: Partial<Record<MailKind, string[]>>): string[] {
  return Object.entries(expected)
    .flatMap(([kind, addresses]) => (addresses ?? []).map((a) => `${kind} → ${a}`))
    .sort();
}

function mailOf(mails: MailboxEmail[], kind: MailKind): MailboxEmail {
  const mail = mails.find((m) => m.mailId?.split('#')[2] === kind);
  if (!mail) throw new Error(`no ${kind} email`);
  return mail;
}

function noticeOf(record: CaseRecord) {
  if (!record.notice) throw new Error(`case ${record.id} has no notice`);
  return record.notice;
}

describe('emails along the lifecycle', () => {
  it('persuasion succeeds: no email at all', async () => {
    const reported = await reportCase(harness, { category: 'resident-built' });
    await startCaseWorkflow(harness.engine, reported.id);
    await waitForCallback(harness, reported.id, 'persuasion-result');
    await recordInspection(harness, reported.id, 'demolished', { sub: 'grid-worker-1', role: 'reporter' });
    expect(await harness.engine.waitForExecution(intake(reported.id))).toMatchObject({ status: 'SUCCEEDED' });
    expect((await mailsOf(reported.id)).routes).toEqual([]);
  });

  it('notice then self-demolition: the notice copy, the party notice and the reminder, none again when the phase re-runs after a restart', async () => {
    const reported = await reportCase(harness, { category: 'other' });
    await startCaseWorkflow(harness.engine, reported.id);
    const waiting = await waitForCase(
      harness,
      reported.id,
      (r) => r.status === 'NOTICE_ISSUED' && r.lastSeq === 4,
      'the reminder',
    );
    const expected = routes({ 'notice-copy': OFFICE, 'notice-to-party': [PARTY], reminder: OFFICE });
    await waitForMails(reported.id, expected.length);
    expect((await mailsOf(reported.id)).routes).toEqual(expected);

    // The engine restarts mid-wait and re-runs the phase from its start: every email is asked for again.
    const restarted = await harness.restartEngine();
    expect(await restarted.resumeOpenExecutions()).toEqual([intake(reported.id)]);
    await waitForCallback(harness, reported.id, 'inspection');
    await recordInspection(harness, reported.id, 'demolished');
    expect(await restarted.waitForExecution(intake(reported.id))).toMatchObject({ status: 'SUCCEEDED' });
    expect((await caseOf(harness, reported.id)).status).toBe('CLOSED');

    // Closed after self-demolition: the office, told of the notice, is told how it ended.
    await waitForMails(reported.id, expected.length + OFFICE.length);
    const { mails, routes: received } = await mailsOf(reported.id);
    expect(received).toEqual([...expected, ...routes({ 'case-closed': OFFICE })].sort());
    expect(askedAgain(reported.id)).toEqual(['notice-copy', 'notice-to-party', 'reminder']);
    expect(mailOf(mails, 'case-closed').text).toContain('已由当事人自行拆除，案件已结案');
    const notice = noticeOf(waiting);
    // The notice's emails go out when it is issued, before it is served: they state its period from service,
    // and the deadline only as what it is if served that day; the reminder is of the deadline counted from
    // the recorded service.
    const issued = (await historyOf(harness, reported.id)).find((e) => e.type === 'NOTICE_ISSUED');
    const deadline = formatShanghai((issued?.data.deadline as { at: string } | undefined)?.at ?? '');
    const period = issued?.data.period as { amount: number; unit: string } | undefined;
    const units: Record<string, string> = { 'calendar-days': '日', 'working-days': '个工作日', months: '个月' };
    const fromService = `自送达之日起 ${period?.amount} ${units[period?.unit ?? '']}（当日送达的，至 ${deadline}`;
    const copy = mailOf(mails, 'notice-copy');
    expect(copy.subject).toContain(notice.number);
    expect(copy.text).toContain(`整改期限：${fromService}`);
    expect(copy.text).toMatch(/下一步：期限自送达之日起计算，届满后进行复查/);
    expect(copy.text).toContain(`${CONSOLE_URL}/cases/${reported.id}`);
    const party = mailOf(mails, 'notice-to-party');
    expect(party.text).toContain(`拆除期限：${fromService}`);
    expect(party.text).not.toContain(`${CONSOLE_URL}/cases/`);
    expect(mailOf(mails, 'reminder').subject).toContain(`将于 ${notice.deadline.date} 到期`);

    // Both notice emails carry the 限期拆除通知书 as issued: the stored PDF, whose hash its event records.
    const [issuedPdf] = issued?.data.documents as IssuedDocument[];
    // The PDF states the period from service, and the deadline if served on the day of issue.
    const issuedDeadline = (issued?.data.deadline as { at: string } | undefined)?.at ?? '';
    for (const mail of [copy, party]) {
      expect(mail.attachments.map((a) => [a.fileName, a.contentType])).toEqual([
        [`限期拆除通知书-${notice.number}.pdf`, 'application/pdf'],
      ]);
      const pdf = mail.attachments[0]?.content ?? Buffer.alloc(0);
      expect(createHash('sha256').update(pdf).digest('hex')).toBe(issuedPdf?.sha256);
      const text = pdfText(pdf);
      expect(text).toContain(notice.number);
      expect(text).toContain(reported.responsibleParty.name);
      expect(text.replace(/\s+/g, '')).toContain(
        `本通知书于下达当日送达的，期限至${chineseDateTime(issuedDeadline)}（北京时间）届满`,
      );
    }
    expect(mailOf(mails, 'reminder').attachments).toEqual([]);
  });

  it('a sub-district named like an inherited property (constructor) is an unconfigured one: its emails go to the fallback office and the workflow goes on', async () => {
    const reported = await reportCase(harness, {
      category: 'other',
      location: { ...seedSubmission().location, subdistrict: 'constructor' },
    });
    await startCaseWorkflow(harness.engine, reported.id);
    await waitForCase(harness, reported.id, (r) => r.lastSeq >= 4, 'the reminder');
    const expected = routes({
      'notice-copy': RECIPIENTS.fallback,
      'notice-to-party': [PARTY],
      reminder: RECIPIENTS.fallback,
    });
    await waitForMails(reported.id, expected.length);
    expect((await mailsOf(reported.id)).routes).toEqual(expected);
    expect((await caseOf(harness, reported.id)).attention).toBeUndefined();
  });

  it('overdue inspection, not demolished, enforcement to the end: every step tells the office once, with its facts', async () => {
    const reported = await reportCase(harness, { category: 'other' });
    await startCaseWorkflow(harness.engine, reported.id);
    const first = await waitForCallback(harness, reported.id, 'inspection');
    await waitForCallback(harness, reported.id, 'inspection', first.pendingCallback?.token);
    await recordInspection(harness, reported.id, 'not-demolished');
    const decided = await waitForStatus(harness, reported.id, 'ENFORCEMENT_DECIDED');
    const scheduled = await waitForCallback(harness, reported.id, 'enforcement');
    await completeEnforcement(harness, reported.id);
    expect(await carryingExecutionEnds(harness, reported.id)).toMatchObject({ status: 'SUCCEEDED' });

    const { mails, routes: received } = await mailsOf(reported.id);
    expect(received).toEqual(
      routes({
        'notice-copy': OFFICE,
        'notice-to-party': [PARTY],
        reminder: OFFICE,
        'inspection-overdue': OFFICE,
        escalation: OFFICE,
        'enforcement-decided': OFFICE,
        'enforcement-scheduled': OFFICE,
      }),
    );
    const notice = noticeOf(decided);
    for (const m of mails) expect(m.text).toContain(notice.number);
    expect(mailOf(mails, 'inspection-overdue').text).toContain(
      `应复查时间：${formatShanghai(first.deadlines.inspection?.at ?? '')}`,
    );
    const escalation = mailOf(mails, 'escalation');
    expect(escalation.text).toContain('复查结果：未拆除');
    expect(escalation.text).toContain('复查人：王复查');
    expect(escalation.text).toContain(`催告期限：${formatShanghai(decided.deadlines.urge?.at ?? '')}`);
    expect(escalation.text).toContain('陈述、申辩');
    const decision = mailOf(mails, 'enforcement-decided');
    expect(decision.text).toContain(`公告自行拆除期限：${formatShanghai(decided.deadlines.announcement?.at ?? '')}`);
    // Sent when the decision is made, before it is served: the windows run from service.
    expect(decision.text).toContain(
      `提起行政诉讼期限：自决定书送达之日起计算（当日送达的，至 ${formatShanghai(decided.deadlines.litigation?.at ?? '')}）`,
    );
    expect(mailOf(mails, 'enforcement-scheduled').text).toContain(
      `强制拆除时间：${formatShanghai(scheduled.enforcementAt ?? '')}`,
    );
  });

  it('an appeal holds the case; after it is upheld, the demolition is scheduled and announced once', async () => {
    const reported = await reportCase(harness, {
      category: 'other',
      responsibleParty: { name: '刘某', phone: '13900139000' },
    });
    await startCaseWorkflow(harness.engine, reported.id);
    await waitForCallback(harness, reported.id, 'inspection');
    await recordInspection(harness, reported.id, 'not-demolished');
    await waitForStatus(harness, reported.id, 'ENFORCEMENT_DECIDED');
    await fileAppeal(harness, reported.id);
    await resolveAppealUpheld(harness, reported.id, 1);
    await waitForCallback(harness, reported.id, 'enforcement');
    await completeEnforcement(harness, reported.id);
    expect(await carryingExecutionEnds(harness, reported.id)).toMatchObject({ status: 'SUCCEEDED' });

    // No party email is known: the party notice is not sent.
    expect((await mailsOf(reported.id)).routes).toEqual(
      routes({
        'notice-copy': OFFICE,
        reminder: OFFICE,
        escalation: OFFICE,
        'enforcement-decided': OFFICE,
        'enforcement-scheduled': OFFICE,
      }),
    );
  });

  it('a step that fails after sending, and is retried, sends nothing twice', async () => {
    harness.faults.inject('Start persuasion or issue the rectification notice', { times: 2, when: 'after' });
    const reported = await reportCase(harness, { category: 'other' });
    await startCaseWorkflow(harness.engine, reported.id);
    await waitForCallback(harness, reported.id, 'inspection');
    await recordInspection(harness, reported.id, 'demolished');
    expect(await harness.engine.waitForExecution(intake(reported.id))).toMatchObject({ status: 'SUCCEEDED' });
    expect((await mailsOf(reported.id)).routes).toEqual(
      routes({ 'notice-copy': OFFICE, 'notice-to-party': [PARTY], reminder: OFFICE, 'case-closed': OFFICE }),
    );
    expect(askedAgain(reported.id)).toEqual(['notice-copy', 'notice-to-party']);
  });

  it('a step that always fails alerts the office and operations', async () => {
    harness.faults.inject('Send the reminder', { times: 'always', error: 'Lambda.ServiceException' });
    const reported = await reportCase(harness, { category: 'other' });
    await startCaseWorkflow(harness.engine, reported.id);
    expect(await harness.engine.waitForExecution(intake(reported.id))).toMatchObject({ status: 'FAILED' });

    const { mails, routes: received } = await mailsOf(reported.id);
    expect(received).toEqual(
      routes({ 'notice-copy': OFFICE, 'notice-to-party': [PARTY], 'workflow-failure': [...OFFICE, ...OPS] }),
    );
    const alert = mailOf(mails, 'workflow-failure');
    expect(alert.subject).toContain(reported.id);
    expect(alert.text).toContain('Lambda.ServiceException');
    expect(alert.text).toContain('当前状态：已下达限期拆除通知书（NOTICE_ISSUED）');
  });
});
