import { chinaCalendar } from '#domain/china-calendar';
import { shanghaiDateOf } from '#domain/shanghai-time';
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
  reportCase,
  resolveAppealUpheld,
  startScenario,
  statesEntered,
  waitForCallback,
  waitForStatus,
  workflowHarness,
} from './harness';

let harness: Harness;

beforeAll(async () => {
  harness = await workflowHarness({ factor: 500_000 });
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

    const enforcement = executionName({ caseId, phase: 'enforcement', round: 1 });
    expect(await harness.engine.waitForExecution(enforcement)).toMatchObject({ status: 'SUCCEEDED' });
    const closed = await caseOf(harness, caseId);
    expect(closed.status).toBe('CLOSED');
    expect(closed.areaRemovedM2).toBe(closed.areaM2);
    expect(await eventTypes(harness, caseId)).toEqual([
      'CASE_REPORTED',
      'NOTICE_ISSUED',
      'REMINDER_SENT',
      'INSPECTION_OPENED',
      'INSPECTION_RECORDED',
      'CASE_ESCALATED',
      'ENFORCEMENT_DECIDED',
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
    // Two executions, each well inside its designed size.
    expect(statesEntered(harness.eventLog, caseId).length).toBeLessThanOrEqual(22);
  });

  it('holds the case while an appeal runs and resumes enforcement after it is upheld', async () => {
    const caseId = await caseWithEnforcementDecided();
    const enforcement = executionName({ caseId, phase: 'enforcement', round: 1 });
    expect((await caseOf(harness, caseId)).execution).toBe(enforcement);

    // 复议 filed while the windows run: the enforcement execution stops, nothing is scheduled.
    await fileAppeal(harness, caseId);
    expect(await harness.engine.waitForExecution(enforcement)).toMatchObject({ status: 'ABORTED' });
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
      'REMINDER_SENT',
      'INSPECTION_OPENED',
      'INSPECTION_RECORDED',
      'CASE_ESCALATED',
      'ENFORCEMENT_DECIDED',
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
