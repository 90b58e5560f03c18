import { executionName } from '#workflow/engine';
import { startCaseWorkflow } from '#workflow/phases';
import type { Harness } from './harness';
import {
  assertChainVerifies,
  caseOf,
  eventTypes,
  historyOf,
  recordInspection,
  reportCase,
  startScenario,
  waitForCallback,
  waitForCase,
  workflowHarness,
} from './harness';

let harness: Harness;

beforeAll(async () => {
  harness = await workflowHarness();
});

afterAll(async () => {
  await harness.close();
});

beforeEach(async () => {
  harness.faults.clear();
  await startScenario(harness);
});

const intake = (caseId: string) => executionName({ caseId, phase: 'intake', round: 1 });

describe('faults and restarts', () => {
  it('retries a task whose invocation fails twice after doing its work, without a second notice number or email', async () => {
    const counterBefore = await harness.store.noticeCounter(2026);
    harness.faults.inject('Start persuasion or issue the rectification notice', { times: 2, when: 'after' });
    const reported = await reportCase(harness, { category: 'other' });
    await startCaseWorkflow(harness.engine, reported.id);

    await waitForCallback(harness, reported.id, 'inspection');
    await recordInspection(harness, reported.id, 'demolished');
    expect(await harness.engine.waitForExecution(intake(reported.id))).toMatchObject({ status: 'SUCCEEDED' });

    const retries = harness.eventLog.events.filter(
      (e) => e.execution === intake(reported.id) && e.type === 'StateRetried',
    );
    expect(retries.map((e) => e.state)).toEqual([
      'Start persuasion or issue the rectification notice',
      'Start persuasion or issue the rectification notice',
    ]);
    const runs = harness.eventLog.invocations.filter(
      (i) => i.execution === intake(reported.id) && i.state === 'Start persuasion or issue the rectification notice',
    );
    expect(runs.map((i) => i.ok)).toEqual([false, false, true]);
    expect(await harness.store.noticeCounter(2026)).toBe(counterBefore + 1);
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
    expect(harness.mailer.kindsFor(reported.id)).toEqual(['notice-copy', 'notice-to-party', 'reminder', 'case-closed']);
  });

  it('catches a task that always fails: the failure is recorded, the case flagged and the office alerted', async () => {
    harness.faults.inject('Send the reminder', { times: 'always', error: 'Lambda.ServiceException' });
    const reported = await reportCase(harness, { category: 'other' });
    await startCaseWorkflow(harness.engine, reported.id);

    expect(await harness.engine.waitForExecution(intake(reported.id))).toMatchObject({
      status: 'FAILED',
      error: 'Lambda.ServiceException',
    });
    const record = await caseOf(harness, reported.id);
    expect(record.status).toBe('NOTICE_ISSUED');
    expect(record.attention?.reason).toBe('workflow step failed: Lambda.ServiceException');
    expect((await harness.store.listFlagged()).items.map((f) => f.caseId)).toContain(reported.id);
    const events = await historyOf(harness, reported.id);
    expect(events.map((e) => e.type)).toEqual(['CASE_REPORTED', 'NOTICE_ISSUED', 'SERVICE_RECORDED', 'TASK_FAILED']);
    expect(events[3]?.data).toMatchObject({ execution: intake(reported.id), error: 'Lambda.ServiceException' });
    await assertChainVerifies(harness, reported.id);
    expect(harness.mailer.kindsFor(reported.id)).toEqual(['notice-copy', 'notice-to-party', 'workflow-failure']);
    // Lambda service errors are retried with the ASL's own policy (6 attempts) before the catch.
    const attempts = harness.eventLog.invocations.filter(
      (i) => i.execution === intake(reported.id) && i.state === 'Send the reminder',
    );
    expect(attempts).toHaveLength(7);
  });

  it('resumes an open execution after an engine restart mid-wait; the deadline fires once', async () => {
    // The restart must fall between the reminder and the deadline, one working day apart: at the shared
    // harness's pace that is a third of a second, which a busy machine can overshoot between two reads.
    // This harness's legal day lasts 3.5 s.
    const harness = await workflowHarness({ factor: 25_000 });
    try {
      const reported = await reportCase(harness, { category: 'other' });
      await startCaseWorkflow(harness.engine, reported.id);
      // Waiting for the deadline: notice issued, reminder sent.
      const waiting = await waitForCase(
        harness,
        reported.id,
        (r) => r.status === 'NOTICE_ISSUED' && r.lastSeq === 4,
        'the reminder',
      );
      const counter = await harness.store.noticeCounter(2026);

      const restarted = await harness.restartEngine();
      expect(await restarted.describeExecution(intake(reported.id))).toEqual({
        name: intake(reported.id),
        status: 'RUNNING',
      });
      expect(await restarted.resumeOpenExecutions()).toEqual([intake(reported.id)]);

      await waitForCallback(harness, reported.id, 'inspection');
      await recordInspection(harness, reported.id, 'demolished');
      expect(await restarted.waitForExecution(intake(reported.id))).toMatchObject({ status: 'SUCCEEDED' });

      expect(await harness.store.noticeCounter(2026)).toBe(counter);
      expect((await caseOf(harness, reported.id)).notice?.number).toBe(waiting.notice?.number);
      const types = await eventTypes(harness, reported.id);
      expect(types).toEqual([
        'CASE_REPORTED',
        'NOTICE_ISSUED',
        'SERVICE_RECORDED',
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
        'case-closed',
      ]);
      // The resumed run re-ran the phase from its start.
      const resumedStates = harness.eventLog.events
        .filter((e) => e.execution === intake(reported.id) && e.type === 'StateEntered')
        .map((e) => e.state);
      expect(resumedStates.slice(0, 2)).toEqual([
        'Route by phase',
        'Start persuasion or issue the rectification notice',
      ]);
      expect(resumedStates.filter((s) => s === 'Wait for the inspection result')).toHaveLength(1);
      // Nothing is left open to resume.
      expect(await restarted.resumeOpenExecutions()).toEqual([]);
    } finally {
      await harness.close();
    }
  }, 120_000);

  it('starts a phase once however often it is started', async () => {
    const reported = await reportCase(harness, { category: 'other' });
    const starts = await Promise.all([1, 2, 3, 4, 5].map(() => startCaseWorkflow(harness.engine, reported.id)));
    expect(starts.filter((s) => s.started)).toHaveLength(1);
    expect(new Set(starts.map((s) => s.name))).toEqual(new Set([intake(reported.id)]));
    await waitForCase(harness, reported.id, (r) => r.status === 'NOTICE_ISSUED', 'the notice');
    await harness.engine.stopExecution(intake(reported.id), 'enough');
    expect(await harness.engine.waitForExecution(intake(reported.id))).toMatchObject({ status: 'ABORTED' });
    expect((await startCaseWorkflow(harness.engine, reported.id)).started).toBe(false);
  });
});
