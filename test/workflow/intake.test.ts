import { chinaCalendar } from '#domain/china-calendar';
import { shanghaiDateOf } from '#domain/shanghai-time';
import { serviceWindowEnd } from '#app/procedure';
import { occasionStamp } from '#tasks/task-kit';
import { executionName } from '#workflow/engine';
import { startCaseWorkflow } from '#workflow/phases';
import type { Harness } from './harness';
import {
  assertChainVerifies,
  caseOf,
  daysAfter,
  dismiss,
  eventTypes,
  grantExtension,
  historyOf,
  recordInspection,
  recordService,
  reportCase,
  startScenario,
  waitForCallback,
  waitForCase,
  waitForStatus,
  workflowHarness,
} from './harness';

let harness: Harness;

beforeAll(async () => {
  harness = await workflowHarness();
});

afterAll(async () => {
  await harness.close();
});

beforeEach(() => startScenario(harness));

const intake = (caseId: string) => executionName({ caseId, phase: 'intake', round: 1 });

/**
 * The notice step records the notice, stores its PDF, then asks for its emails — all one task, which
 * stopping the execution does not interrupt (nor does Step Functions stop a running Lambda): wait for all of it.
 */
async function noticeStepDone(caseId: string): Promise<void> {
  await waitForStatus(harness, caseId, 'NOTICE_ISSUED');
  for (const until = Date.now() + 10_000; harness.mailer.idsFor(caseId).length < 2;) {
    if (Date.now() > until) throw new Error('the notice emails were never asked for');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('intake phase', () => {
  it('closes a resident-built case the resident demolished during persuasion, with no notice and no email', async () => {
    const reported = await reportCase(harness, { category: 'resident-built' });
    await startCaseWorkflow(harness.engine, reported.id);

    const persuading = await waitForCallback(harness, reported.id, 'persuasion-result');
    expect(persuading.status).toBe('PERSUASION');
    expect(persuading.pendingCallback?.dueAt).toBe(persuading.deadlines.persuasion?.at);
    await recordInspection(harness, reported.id, 'demolished', { sub: 'grid-worker-1', role: 'reporter' });

    expect(await harness.engine.waitForExecution(intake(reported.id))).toMatchObject({ status: 'SUCCEEDED' });
    const closed = await caseOf(harness, reported.id);
    expect(closed.status).toBe('CLOSED');
    expect(closed.notice).toBeUndefined();
    expect(await eventTypes(harness, reported.id)).toEqual([
      'CASE_REPORTED',
      'PERSUASION_STARTED',
      'INSPECTION_RECORDED',
      'CASE_CLOSED',
    ]);
    await assertChainVerifies(harness, reported.id);
    expect(harness.mailer.idsFor(reported.id)).toEqual([]);
  });

  it('issues the notice when the resident refuses during persuasion, and when persuasion expires unanswered', async () => {
    const refused = await reportCase(harness, { category: 'resident-built' });
    const expired = await reportCase(harness, { category: 'resident-built' });
    await startCaseWorkflow(harness.engine, refused.id);
    await startCaseWorkflow(harness.engine, expired.id);
    await waitForCallback(harness, refused.id, 'persuasion-result');
    await recordInspection(harness, refused.id, 'not-demolished', { sub: 'grid-worker-1', role: 'reporter' });

    await noticeStepDone(refused.id);
    const refusedNotice = await waitForStatus(harness, refused.id, 'NOTICE_ISSUED');
    await dismiss(harness, refused.id);
    expect((await eventTypes(harness, refused.id)).slice(0, 4)).toEqual([
      'CASE_REPORTED',
      'PERSUASION_STARTED',
      'INSPECTION_RECORDED',
      'NOTICE_ISSUED',
    ]);
    await noticeStepDone(expired.id);
    const expiredNotice = await waitForStatus(harness, expired.id, 'NOTICE_ISSUED');
    await dismiss(harness, expired.id);
    const expiredEvents = await historyOf(harness, expired.id);
    expect(expiredEvents.slice(0, 4).map((e) => e.type)).toEqual([
      'CASE_REPORTED',
      'PERSUASION_STARTED',
      'PERSUASION_EXPIRED',
      'NOTICE_ISSUED',
    ]);
    // Expired only once its period had passed.
    expect(Date.parse(expiredEvents[2]?.at ?? '')).toBeGreaterThan(
      Date.parse(expiredNotice.deadlines.persuasion?.at ?? ''),
    );
    expect(refusedNotice.notice?.number).not.toBe(expiredNotice.notice?.number);
    for (const c of [refused, expired]) {
      await assertChainVerifies(harness, c.id);
      expect(harness.mailer.kindsFor(c.id).slice(0, 2)).toEqual(['notice-copy', 'notice-to-party']);
    }
  });

  it('issues the notice, reminds, and closes the case once the inspection finds it demolished', async () => {
    const reported = await reportCase(harness, { category: 'other' });
    await startCaseWorkflow(harness.engine, reported.id);

    const inspecting = await waitForCallback(harness, reported.id, 'inspection');
    expect(inspecting.status).toBe('AWAITING_INSPECTION');
    expect(inspecting.notice?.number).toMatch(/^RN-2026-\d{6}$/);
    // The deadline ran from the service the office recorded, not from the day of issue.
    const served = inspecting.notice?.service;
    expect(served?.method).toBe('direct');
    const calendar = chinaCalendar();
    expect(inspecting.notice?.deadline.date).toBe(
      calendar.onOrAfterWorkingDay(daysAfter(served?.servedOn ?? '', 4)).date,
    );
    // The inspection opened only once the deadline had passed.
    const opened = (await historyOf(harness, reported.id)).find((e) => e.type === 'INSPECTION_OPENED');
    expect(Date.parse(opened?.at ?? '')).toBeGreaterThan(Date.parse(inspecting.notice?.deadline.at ?? ''));
    expect(inspecting.pendingCallback?.dueAt).toBe(inspecting.deadlines.inspection?.at);
    await recordInspection(harness, reported.id, 'demolished');

    expect(await harness.engine.waitForExecution(intake(reported.id))).toMatchObject({ status: 'SUCCEEDED' });
    expect((await caseOf(harness, reported.id)).status).toBe('CLOSED');
    expect(await eventTypes(harness, reported.id)).toEqual([
      'CASE_REPORTED',
      'NOTICE_ISSUED',
      'SERVICE_RECORDED',
      'REMINDER_SENT',
      'INSPECTION_OPENED',
      'INSPECTION_RECORDED',
      'CASE_CLOSED',
    ]);
    await assertChainVerifies(harness, reported.id);
    const number = inspecting.notice?.number;
    const deadlineDate = inspecting.notice?.deadline.date;
    expect(harness.mailer.idsFor(reported.id).sort()).toEqual(
      [
        `${reported.id}#notice-${number}#notice-copy`,
        `${reported.id}#notice-${number}#notice-to-party`,
        `${reported.id}#reminder-${deadlineDate}#reminder`,
        `${reported.id}#case-closed#case-closed`,
      ].sort(),
    );
  });

  it('waits for the deadline counted from a recorded 公告送达 (served 30 days after publication), not from the day of issue', async () => {
    const reported = await reportCase(harness, { category: 'other' });
    harness.leaveUnserved.add(reported.id);
    await startCaseWorkflow(harness.engine, reported.id);
    const issued = await waitForCase(harness, reported.id, (r) => r.notice !== undefined, 'the notice');
    const issuedOn = shanghaiDateOf(new Date(issued.notice?.issuedAt ?? ''));
    await recordService(harness, reported.id, {
      document: 'notice',
      method: 'announcement',
      servedOn: issuedOn,
      publishedIn: '违建现场及社区公告栏',
    });
    const inspecting = await waitForCallback(harness, reported.id, 'inspection');
    const calendar = chinaCalendar();
    const effectiveOn = calendar.onOrAfterWorkingDay(daysAfter(issuedOn, 30)).date;
    expect(inspecting.notice?.service).toMatchObject({ servedOn: issuedOn, effectiveOn });
    // The test policy's 4 calendar days, from the day the announcement counts as served.
    const deadline = calendar.onOrAfterWorkingDay(daysAfter(effectiveOn, 4)).date;
    expect(inspecting.notice?.deadline.date).toBe(deadline);
    expect(deadline > daysAfter(issued.notice?.deadline.date ?? '', 20)).toBe(true);
    const opened = (await historyOf(harness, reported.id)).find((e) => e.type === 'INSPECTION_OPENED');
    expect(Date.parse(opened?.at ?? '')).toBeGreaterThan(Date.parse(inspecting.notice?.deadline.at ?? ''));
    await recordInspection(harness, reported.id, 'demolished');
    expect(await harness.engine.waitForExecution(intake(reported.id))).toMatchObject({ status: 'SUCCEEDED' });
    const types = await eventTypes(harness, reported.id);
    expect(types.slice(0, 3)).toEqual(['CASE_REPORTED', 'NOTICE_ISSUED', 'SERVICE_RECORDED']);
    expect(types.slice(-3)).toEqual(['INSPECTION_OPENED', 'INSPECTION_RECORDED', 'CASE_CLOSED']);
    await assertChainVerifies(harness, reported.id);
    // The party is reminded of the deadline that runs from service.
    expect(harness.mailer.idsFor(reported.id)).toContain(`${reported.id}#reminder-${deadline}#reminder`);
  });

  it('counts no deadline until the notice is served, then waits for the deadline counted from the service date', async () => {
    const reported = await reportCase(harness, { category: 'other' });
    harness.leaveUnserved.add(reported.id);
    await startCaseWorkflow(harness.engine, reported.id);
    const waiting = await waitForCallback(harness, reported.id, 'service');
    expect(waiting.status).toBe('NOTICE_ISSUED');
    const issuedAt = waiting.notice?.issuedAt ?? '';
    const calendar = chinaCalendar();
    // The office has the policy's service window from the day of issue to record the service.
    expect(waiting.pendingCallback?.dueAt).toBe(serviceWindowEnd(calendar, harness.policy, new Date(issuedAt)).at);
    const issuedOn = shanghaiDateOf(new Date(issuedAt));
    // Served two days later, inside the window.
    await waitForCase(
      harness,
      reported.id,
      () => shanghaiDateOf(harness.clock.now()) >= daysAfter(issuedOn, 2),
      'two days',
    );
    const servedOn = shanghaiDateOf(harness.clock.now());
    expect(servedOn < shanghaiDateOf(new Date(waiting.pendingCallback?.dueAt ?? ''))).toBe(true);
    const { delivery } = await recordService(harness, reported.id, {
      document: 'notice',
      method: 'direct',
      servedOn,
      receiver: '当事人本人',
      receiptReference: '送达回证 2026-017',
    });
    expect(delivery).toBe('delivered');
    const inspecting = await waitForCallback(harness, reported.id, 'inspection');
    const deadline = calendar.onOrAfterWorkingDay(daysAfter(servedOn, 4)).date;
    expect(inspecting.notice?.deadline.date).toBe(deadline);
    const events = await historyOf(harness, reported.id);
    expect(events.map((e) => e.type).slice(0, 5)).toEqual([
      'CASE_REPORTED',
      'NOTICE_ISSUED',
      'SERVICE_RECORDED',
      'REMINDER_SENT',
      'INSPECTION_OPENED',
    ]);
    expect(events[3]?.data.deadlineDate).toBe(deadline);
    expect(Date.parse(events[4]?.at ?? '')).toBeGreaterThan(Date.parse(inspecting.notice?.deadline.at ?? ''));
    expect(harness.mailer.kindsFor(reported.id)).not.toContain('service-overdue');
    await recordInspection(harness, reported.id, 'demolished');
    expect(await harness.engine.waitForExecution(intake(reported.id))).toMatchObject({ status: 'SUCCEEDED' });
    await assertChainVerifies(harness, reported.id);
  });

  it('reminds the office and flags the case each service window the notice stays unserved, and carries on once it is served', async () => {
    const reported = await reportCase(harness, { category: 'other' });
    harness.leaveUnserved.add(reported.id);
    await startCaseWorkflow(harness.engine, reported.id);
    const first = await waitForCallback(harness, reported.id, 'service');
    const missed = first.pendingCallback?.dueAt ?? '';
    const reminded = await waitForCallback(harness, reported.id, 'service', first.pendingCallback?.token);
    // Still waiting, for one more window, with no deadline run and no inspection opened.
    expect(reminded.status).toBe('NOTICE_ISSUED');
    expect(reminded.attention).toMatchObject({ unserved: 'notice' });
    const calendar = chinaCalendar();
    expect(reminded.deadlines.service).toEqual(serviceWindowEnd(calendar, harness.policy, new Date(missed)));
    expect(reminded.pendingCallback?.dueAt).toBe(reminded.deadlines.service?.at);
    const overdue = (await historyOf(harness, reported.id)).filter((e) => e.type === 'SERVICE_OVERDUE');
    expect(overdue[0]?.data).toMatchObject({ document: 'notice', round: 1, flagged: true });
    expect(overdue[0]?.data.missedDeadline).toMatchObject({ at: missed });
    expect(harness.mailer.idsFor(reported.id)).toContain(
      `${reported.id}#service-overdue-notice-${occasionStamp(missed)}-1#service-overdue`,
    );
    expect(await eventTypes(harness, reported.id)).not.toContain('REMINDER_SENT');

    const servedOn = shanghaiDateOf(harness.clock.now());
    await recordService(harness, reported.id, { document: 'notice', method: 'post', servedOn, receiver: '当事人本人' });
    const inspecting = await waitForCallback(harness, reported.id, 'inspection');
    expect(inspecting.attention).toBeUndefined();
    expect(inspecting.notice?.deadline.date).toBe(calendar.onOrAfterWorkingDay(daysAfter(servedOn, 4)).date);
    await recordInspection(harness, reported.id, 'demolished');
    expect(await harness.engine.waitForExecution(intake(reported.id))).toMatchObject({ status: 'SUCCEEDED' });
    const types = await eventTypes(harness, reported.id);
    expect(types.indexOf('SERVICE_RECORDED')).toBeGreaterThan(types.indexOf('SERVICE_OVERDUE'));
    expect(types.indexOf('REMINDER_SENT')).toBeGreaterThan(types.indexOf('SERVICE_RECORDED'));
    await assertChainVerifies(harness, reported.id);
  });

  it('waits again until an extended deadline, reminding of the new one, before inspecting', async () => {
    const reported = await reportCase(harness, {
      category: 'unit-internal',
      responsibleParty: { name: '某单位', phone: '023-65301234' },
    });
    await startCaseWorkflow(harness.engine, reported.id);

    // Extended after the reminder went out (REPORTED, NOTICE_ISSUED, SERVICE_RECORDED, REMINDER_SENT).
    const reminded = await waitForCase(
      harness,
      reported.id,
      (r) => r.status === 'NOTICE_ISSUED' && r.lastSeq === 4,
      'the reminder',
    );
    await grantExtension(harness, reported.id, 5);
    const inspecting = await waitForCallback(harness, reported.id, 'inspection');
    expect(inspecting.notice?.deadline.date).toBe(daysAfter(reminded.notice?.deadline.date ?? '', 5));
    const events = await historyOf(harness, reported.id);
    const opened = events.find((e) => e.type === 'INSPECTION_OPENED');
    expect(Date.parse(opened?.at ?? '')).toBeGreaterThan(Date.parse(inspecting.notice?.deadline.at ?? ''));
    await recordInspection(harness, reported.id, 'demolished');

    expect(await harness.engine.waitForExecution(intake(reported.id))).toMatchObject({ status: 'SUCCEEDED' });
    expect(await eventTypes(harness, reported.id)).toEqual([
      'CASE_REPORTED',
      'NOTICE_ISSUED',
      'SERVICE_RECORDED',
      'REMINDER_SENT',
      'DEADLINE_EXTENDED',
      'REMINDER_SENT',
      'INSPECTION_OPENED',
      'INSPECTION_RECORDED',
      'CASE_CLOSED',
    ]);
    await assertChainVerifies(harness, reported.id);
    // No email address for the party: the office gets the copy and one reminder per deadline.
    expect(harness.mailer.kindsFor(reported.id)).toEqual(['notice-copy', 'reminder', 'reminder', 'case-closed']);
  });

  it('goes back to waiting when the deadline is extended while the inspection is open', async () => {
    const reported = await reportCase(harness, { category: 'other' });
    await startCaseWorkflow(harness.engine, reported.id);

    const first = await waitForCallback(harness, reported.id, 'inspection');
    const { delivery } = await grantExtension(harness, reported.id, 3);
    expect(delivery).toBe('delivered');
    const second = await waitForCallback(harness, reported.id, 'inspection', first.pendingCallback?.token);
    expect(second.notice?.deadline.date).toBe(daysAfter(first.notice?.deadline.date ?? '', 3));
    await recordInspection(harness, reported.id, 'demolished');

    expect(await harness.engine.waitForExecution(intake(reported.id))).toMatchObject({ status: 'SUCCEEDED' });
    expect(await eventTypes(harness, reported.id)).toEqual([
      'CASE_REPORTED',
      'NOTICE_ISSUED',
      'SERVICE_RECORDED',
      'REMINDER_SENT',
      'INSPECTION_OPENED',
      'DEADLINE_EXTENDED',
      'REMINDER_SENT',
      'INSPECTION_OPENED',
      'INSPECTION_RECORDED',
      'CASE_CLOSED',
    ]);
    await assertChainVerifies(harness, reported.id);
    expect(harness.mailer.kindsFor(reported.id)).toEqual([
      'notice-copy',
      'notice-to-party',
      'reminder',
      'reminder',
      'case-closed',
    ]);
  });

  it('ends cleanly when an officer dismisses the case while the workflow waits for the deadline', async () => {
    const reported = await reportCase(harness, { category: 'other' });
    await startCaseWorkflow(harness.engine, reported.id);
    await noticeStepDone(reported.id);
    await dismiss(harness, reported.id);

    expect(await harness.engine.waitForExecution(intake(reported.id))).toMatchObject({ status: 'ABORTED' });
    const mailsAtDismissal = harness.mailer.idsFor(reported.id);
    const eventsAtDismissal = await eventTypes(harness, reported.id);
    expect(eventsAtDismissal[eventsAtDismissal.length - 1]).toBe('CASE_DISMISSED');
    // Past the deadline in legal time, when the inspection would have opened: nothing more happens.
    await waitForCase(
      harness,
      reported.id,
      () => harness.clock.now() > new Date('2026-03-11T00:00:00Z'),
      'legal time to pass the deadline',
    );
    expect(await eventTypes(harness, reported.id)).toEqual(eventsAtDismissal);
    expect(harness.mailer.idsFor(reported.id)).toEqual(mailsAtDismissal);
    expect((await caseOf(harness, reported.id)).status).toBe('DISMISSED');
    await assertChainVerifies(harness, reported.id);
  });

  it('ends quietly, writing nothing, when the case was dismissed but its execution was not stopped', async () => {
    const reported = await reportCase(harness, { category: 'other' });
    await startCaseWorkflow(harness.engine, reported.id);
    await noticeStepDone(reported.id);
    await dismiss(harness, reported.id, { stopExecution: false });
    const eventsAtDismissal = await eventTypes(harness, reported.id);
    const mailsAtDismissal = harness.mailer.idsFor(reported.id);

    expect(await harness.engine.waitForExecution(intake(reported.id))).toMatchObject({ status: 'SUCCEEDED' });
    expect(await eventTypes(harness, reported.id)).toEqual(eventsAtDismissal);
    expect(harness.mailer.idsFor(reported.id)).toEqual(mailsAtDismissal);
    await assertChainVerifies(harness, reported.id);
  });
});
