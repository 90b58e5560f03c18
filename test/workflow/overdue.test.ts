import { executionName } from '#workflow/engine';
import { startCaseWorkflow } from '#workflow/phases';
import type { Harness } from './harness';
import {
  SHORT_WINDOWS,
  assertChainVerifies,
  caseOf,
  completeEnforcement,
  dismiss,
  eventTypes,
  historyOf,
  recordInspection,
  reportCase,
  startScenario,
  waitForCallback,
  waitForStatus,
  workflowHarness,
} from './harness';

/** People's steps that nobody answers in time: short windows, so each missed round passes in a second or two. */
let harness: Harness;

beforeAll(async () => {
  harness = await workflowHarness({ policy: SHORT_WINDOWS, factor: 500_000 });
});

afterAll(async () => {
  await harness.close();
});

beforeEach(() => startScenario(harness));

const intake = (caseId: string) => executionName({ caseId, phase: 'intake', round: 1 });

describe('overdue steps', () => {
  it('escalates an overdue inspection by email, then escalates the case when the late inspection finds it standing', async () => {
    const reported = await reportCase(harness, { category: 'other' });
    await startCaseWorkflow(harness.engine, reported.id);

    const first = await waitForCallback(harness, reported.id, 'inspection');
    // Nobody inspects in time: the window passes, the office is told, the inspection stays open.
    const overdue = await waitForCallback(harness, reported.id, 'inspection', first.pendingCallback?.token);
    expect(overdue.status).toBe('AWAITING_INSPECTION');
    expect(overdue.deadlines.inspection?.date).not.toBe(first.deadlines.inspection?.date);
    await recordInspection(harness, reported.id, 'not-demolished');

    const decided = await waitForStatus(harness, reported.id, 'ENFORCEMENT_DECIDED');
    expect(await harness.engine.waitForExecution(intake(reported.id))).toMatchObject({
      status: 'SUCCEEDED',
      output: { Payload: { next: 'handed-over' } },
    });
    expect(decided.execution).toBe(executionName({ caseId: reported.id, phase: 'enforcement', round: 1 }));
    const events = await historyOf(harness, reported.id);
    // The decision's service may follow at once.
    expect(events.map((e) => e.type).slice(0, 9)).toEqual([
      'CASE_REPORTED',
      'NOTICE_ISSUED',
      'SERVICE_RECORDED',
      'REMINDER_SENT',
      'INSPECTION_OPENED',
      'INSPECTION_OVERDUE',
      'INSPECTION_RECORDED',
      'CASE_ESCALATED',
      'ENFORCEMENT_DECIDED',
    ]);
    const escalated = events.find((e) => e.type === 'CASE_ESCALATED');
    expect(escalated?.data).toMatchObject({
      inspectionResult: 'not-demolished',
      demand: { document: '催告书', deadline: decided.deadlines.urge },
    });
    expect(harness.mailer.kindsFor(reported.id)).toEqual([
      'notice-copy',
      'notice-to-party',
      'reminder',
      'inspection-overdue',
      'escalation',
      'enforcement-decided',
    ]);
    const escalationMail = [...harness.mailer.sent.values()].find(
      (r) => r.caseRecord.id === reported.id && r.kind === 'escalation',
    );
    expect(escalationMail?.facts).toMatchObject({ inspectionResult: 'not-demolished', inspector: '王复查' });

    // The enforcement phase carries the case on; dismissing it stops that execution.
    await dismiss(harness, reported.id);
    expect(await harness.engine.waitForExecution(decided.execution ?? '')).toMatchObject({ status: 'ABORTED' });
    await assertChainVerifies(harness, reported.id);
  });

  it('flags a case whose inspection is never recorded and stops waiting after the configured rounds', async () => {
    const reported = await reportCase(harness, { category: 'other' });
    await startCaseWorkflow(harness.engine, reported.id);

    expect(await harness.engine.waitForExecution(intake(reported.id))).toMatchObject({ status: 'SUCCEEDED' });
    const record = await caseOf(harness, reported.id);
    expect(record.status).toBe('AWAITING_INSPECTION');
    expect(record.attention?.reason).toMatch(/stopped waiting/);
    expect(record.pendingCallback).toBeUndefined();
    const flagged = await harness.store.listFlagged();
    expect(flagged.items.map((f) => f.caseId)).toContain(reported.id);
    const overdue = (await historyOf(harness, reported.id)).filter((e) => e.type === 'INSPECTION_OVERDUE');
    // Two rounds (the policy's), the second flagged, then the last window ends the waiting.
    expect(overdue.map((e) => [e.data.round, e.data.flagged, e.data.workflowStopped ?? false])).toEqual([
      [1, false, false],
      [2, true, false],
      [3, true, true],
    ]);
    expect(harness.mailer.kindsFor(reported.id).filter((k) => k === 'inspection-overdue')).toHaveLength(3);
    await assertChainVerifies(harness, reported.id);
  });

  it('escalates a forced demolition that is not recorded in time and keeps waiting for it', async () => {
    const reported = await reportCase(harness, { category: 'other' });
    await startCaseWorkflow(harness.engine, reported.id);
    await waitForCallback(harness, reported.id, 'inspection');
    await recordInspection(harness, reported.id, 'not-demolished');
    const caseId = reported.id;
    const first = await waitForCallback(harness, caseId, 'enforcement');
    const again = await waitForCallback(harness, caseId, 'enforcement', first.pendingCallback?.token);
    expect(again.deadlines.enforcement?.at).not.toBe(first.deadlines.enforcement?.at);
    await completeEnforcement(harness, caseId);

    // Carried, once the decision was served, by a fresh execution.
    expect(await harness.engine.waitForExecution(executionName({ caseId, phase: 'resume', round: 1 }))).toMatchObject({
      status: 'SUCCEEDED',
    });
    const types = await eventTypes(harness, caseId);
    expect(types.slice(-4)).toEqual([
      'ENFORCEMENT_SCHEDULED',
      'ENFORCEMENT_OVERDUE',
      'ENFORCEMENT_COMPLETED',
      'CASE_CLOSED',
    ]);
    expect(harness.mailer.kindsFor(caseId).slice(-2)).toEqual(['enforcement-scheduled', 'enforcement-overdue']);
    await assertChainVerifies(harness, caseId);
  });
});
