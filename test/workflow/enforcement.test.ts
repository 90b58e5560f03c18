import { chinaCalendar } from '#domain/china-calendar';
import { shanghaiDateOf } from '#domain/shanghai-time';
import { enforcementDecisionDeadlines } from '#app/procedure';
import type { CaseRecord } from '#domain/schemas';
import { startOfShanghaiDay } from '#domain/shanghai-time';
import { executionName } from '#workflow/engine';
import { startCaseWorkflow } from '#workflow/phases';
import type { Harness } from './harness';
import {
  assertChainVerifies,
  caseOf,
  completeEnforcement,
  eventTypes,
  fileAppeal,
  historyOf,
  recordInspection,
  recordService,
  reportCase,
  resolveAppealUpheld,
  startScenario,
  statesEntered,
  waitForCallback,
  waitForCase,
  waitForStatus,
  workflowHarness,
} from './harness';

let harness: Harness;

beforeAll(async () => {
  // The notice, the 催告书, the decision and the 公告 are rendered as the case goes: each render is a
  // fraction of a wall second, which at twice this factor ate most of a reminder's lead or a window.
  harness = await workflowHarness({ factor: 250_000 });
});

afterAll(async () => {
  await harness.close();
});

beforeEach(() => startScenario(harness));

const calendar = chinaCalendar();

/** Forced demolition happens on a working day, inside the policy's day-time hours (Asia/Shanghai). */
function expectLawfulSlot(at: string, hours: { start: string; end: string }): void {
  expect(calendar.isWorkingDay(shanghaiDateOf(new Date(at)))).toBe(true);
  const shanghaiClock = new Date(Date.parse(at) + 8 * 3_600_000).toISOString().slice(11, 16);
  expect(shanghaiClock >= hours.start && shanghaiClock < hours.end).toBe(true);
}

/** Runs a case through notice, a failed inspection, the demand and the decision. */
async function caseWithEnforcementDecided(): Promise<string> {
  const reported = await reportCase(harness, { category: 'other' });
  await startCaseWorkflow(harness.engine, reported.id);
  await waitForCallback(harness, reported.id, 'inspection');
  await recordInspection(harness, reported.id, 'not-demolished');
  await waitForStatus(harness, reported.id, 'ENFORCEMENT_DECIDED');
  return reported.id;
}

function recordedWindowsEnd(record: CaseRecord): string {
  const { announcement, reconsideration, litigation } = record.deadlines;
  return [announcement, reconsideration, litigation].map((d) => d?.at ?? '').sort()[2] ?? '';
}

describe('enforcement phase', () => {
  it('carries a case from a failed inspection through the demand, the decision and the windows to forced demolition and close', async () => {
    const caseId = await caseWithEnforcementDecided();
    const decided = await caseOf(harness, caseId);
    const windowsEnd =
      [decided.deadlines.announcement, decided.deadlines.reconsideration, decided.deadlines.litigation]
        .map((d) => d?.at ?? '')
        .sort()[2] ?? '';

    const scheduled = await waitForCallback(harness, caseId, 'enforcement');
    expect(scheduled.status).toBe('ENFORCEMENT_SCHEDULED');
    expectLawfulSlot(scheduled.enforcementAt ?? '', harness.policy.enforcementHours);
    const schedulingEvent = (await historyOf(harness, caseId)).find((e) => e.type === 'ENFORCEMENT_SCHEDULED');
    // Not before every window (公告, 复议, 诉讼) had passed.
    expect(Date.parse(schedulingEvent?.at ?? '')).toBeGreaterThan(Date.parse(windowsEnd));
    await completeEnforcement(harness, caseId);

    // The decision's service handed the case from the enforcement execution to a fresh one.
    const enforcement = executionName({ caseId, phase: 'enforcement', round: 1 });
    expect(await harness.engine.waitForExecution(enforcement)).toMatchObject({ status: 'ABORTED' });
    const windows = executionName({ caseId, phase: 'resume', round: 1 });
    expect(await harness.engine.waitForExecution(windows)).toMatchObject({ status: 'SUCCEEDED' });
    const closed = await caseOf(harness, caseId);
    expect(closed.status).toBe('CLOSED');
    expect(closed.areaRemovedM2).toBe(closed.areaM2);
    expect(await eventTypes(harness, caseId)).toEqual([
      'CASE_REPORTED',
      'NOTICE_ISSUED',
      'SERVICE_RECORDED',
      'REMINDER_SENT',
      'INSPECTION_OPENED',
      'INSPECTION_RECORDED',
      'CASE_ESCALATED',
      'ENFORCEMENT_DECIDED',
      'SERVICE_RECORDED',
      'ENFORCEMENT_SCHEDULED',
      'ENFORCEMENT_COMPLETED',
      'CASE_CLOSED',
    ]);
    await assertChainVerifies(harness, caseId);
    expect(harness.mailer.kindsFor(caseId)).toEqual([
      'notice-copy',
      'notice-to-party',
      'reminder',
      'escalation',
      'enforcement-decided',
      'enforcement-scheduled',
    ]);
    // Three executions (intake, enforcement until the decision was served, its windows), each well inside its
    // designed size.
    expect(statesEntered(harness.eventLog, caseId).length).toBeLessThanOrEqual(32);
  });

  it('starts no window and schedules nothing until the decision is served, reminding and flagging each window it is not; once served, a fresh execution waits for the windows counted from the service', async () => {
    const reported = await reportCase(harness, { category: 'other' });
    const caseId = reported.id;
    harness.leaveUnserved.add(caseId);
    await startCaseWorkflow(harness.engine, caseId);
    await waitForCallback(harness, caseId, 'service');
    await recordService(harness, caseId, {
      document: 'notice',
      method: 'direct',
      servedOn: shanghaiDateOf(harness.clock.now()),
      receiver: '当事人本人',
    });
    await waitForCallback(harness, caseId, 'inspection');
    await recordInspection(harness, caseId, 'not-demolished');
    const waiting = await waitForCase(
      harness,
      caseId,
      (r) => r.status === 'ENFORCEMENT_DECIDED' && r.pendingCallback?.kind === 'service',
      'the decision awaiting service',
    );
    const enforcement = executionName({ caseId, phase: 'enforcement', round: 1 });
    expect(waiting.execution).toBe(enforcement);
    const reminded = await waitForCallback(harness, caseId, 'service', waiting.pendingCallback?.token);
    expect(reminded.status).toBe('ENFORCEMENT_DECIDED');
    expect(reminded.attention).toMatchObject({ unserved: 'enforcement-decision' });
    const overdue = (await historyOf(harness, caseId)).filter((e) => e.type === 'SERVICE_OVERDUE');
    expect(overdue.map((e) => [e.data.document, e.data.round])).toEqual([['enforcement-decision', 1]]);
    expect(harness.mailer.kindsFor(caseId)).toContain('service-overdue');
    // The decision's windows, counted as if served on the day of the decision, pass while it waits for
    // service; nothing is scheduled.
    await waitForCase(
      harness,
      caseId,
      () => harness.clock.now().getTime() > Date.parse(recordedWindowsEnd(reminded)),
      'the windows counted from the decision to pass',
    );
    expect(await eventTypes(harness, caseId)).not.toContain('ENFORCEMENT_SCHEDULED');

    const servedOn = shanghaiDateOf(harness.clock.now());
    await recordService(harness, caseId, {
      document: 'enforcement-decision',
      method: 'left-at-premises',
      servedOn,
      receiver: '当事人',
      witnesses: '社区干部张某、李某',
    });
    expect(await harness.engine.waitForExecution(enforcement)).toMatchObject({ status: 'ABORTED' });
    const scheduled = await waitForCallback(harness, caseId, 'enforcement');
    expect(scheduled.attention).toBeUndefined();
    const fromService = enforcementDecisionDeadlines(calendar, harness.policy, startOfShanghaiDay(servedOn));
    expect(scheduled.deadlines.litigation).toEqual(fromService.litigation);
    const schedulingEvent = (await historyOf(harness, caseId)).find((e) => e.type === 'ENFORCEMENT_SCHEDULED');
    expect(Date.parse(schedulingEvent?.at ?? '')).toBeGreaterThan(Date.parse(fromService.earliestEnforcement.at));
    await completeEnforcement(harness, caseId);
    const windows = executionName({ caseId, phase: 'resume', round: 1 });
    expect(await harness.engine.waitForExecution(windows)).toMatchObject({ status: 'SUCCEEDED' });
    expect((await caseOf(harness, caseId)).status).toBe('CLOSED');
    await assertChainVerifies(harness, caseId);
  });

  it('holds the case while an appeal runs and resumes enforcement after it is upheld', async () => {
    const caseId = await caseWithEnforcementDecided();
    const enforcement = executionName({ caseId, phase: 'enforcement', round: 1 });
    const served = await waitForCase(harness, caseId, (r) => r.decisionService !== undefined, 'the decision served');
    // Served: the windows run in a fresh execution, which the appeal stops.
    const windows = executionName({ caseId, phase: 'resume', round: 1 });
    expect(served.execution).toBe(windows);

    // 复议 filed while the windows run: the execution stops, nothing is scheduled.
    await fileAppeal(harness, caseId);
    expect(await harness.engine.waitForExecution(enforcement)).toMatchObject({ status: 'ABORTED' });
    // Stopped, or — started just after the appeal was recorded — ended at once on the held case.
    expect(['ABORTED', 'SUCCEEDED']).toContain((await harness.engine.waitForExecution(windows)).status);
    expect((await caseOf(harness, caseId)).status).toBe('ON_HOLD');

    await resolveAppealUpheld(harness, caseId, 1);
    const afterAppeal = executionName({ caseId, phase: 'after-appeal', round: 1 });
    await waitForCallback(harness, caseId, 'enforcement');
    await completeEnforcement(harness, caseId);
    expect(await harness.engine.waitForExecution(afterAppeal)).toMatchObject({ status: 'SUCCEEDED' });

    expect((await caseOf(harness, caseId)).status).toBe('CLOSED');
    expect(await eventTypes(harness, caseId)).toEqual([
      'CASE_REPORTED',
      'NOTICE_ISSUED',
      'SERVICE_RECORDED',
      'REMINDER_SENT',
      'INSPECTION_OPENED',
      'INSPECTION_RECORDED',
      'CASE_ESCALATED',
      'ENFORCEMENT_DECIDED',
      'SERVICE_RECORDED',
      'APPEAL_FILED',
      'APPEAL_RESOLVED',
      'ENFORCEMENT_SCHEDULED',
      'ENFORCEMENT_COMPLETED',
      'CASE_CLOSED',
    ]);
    const scheduled = (await historyOf(harness, caseId)).find((e) => e.type === 'ENFORCEMENT_SCHEDULED');
    expect(scheduled?.data.execution).toBe(afterAppeal);
    await assertChainVerifies(harness, caseId);
    expect(harness.mailer.kindsFor(caseId)).toEqual([
      'notice-copy',
      'notice-to-party',
      'reminder',
      'escalation',
      'enforcement-decided',
      'enforcement-scheduled',
    ]);
  });
});
