import { createHash } from 'node:crypto';
import { makeDocumentIssuer } from '#app/document-issuer';
import { applyEvent } from '#domain/case-history';
import { CLOSED_CASE_FILES_TAG, caseFilesPrefix } from '#domain/case-files';
import type { IssuedDocument } from '#domain/documents';
import { MissingIssuingOfficeError, parseIssuingOffices } from '#documents/issuing-offices';
import { ObjectConflictError } from '#objects/object-store';
import { chinaCalendar } from '#domain/china-calendar';
import { manualClock } from '#domain/clock';
import { decide } from '#domain/lifecycle';
import { resolvePolicy } from '#domain/policy';
import type { CaseRecord } from '#domain/schemas';
import type { TaskDeps } from '#tasks/task-kit';
import { TaskInputError } from '#tasks/task-kit';
import { MAX_FAILURE_MESSAGE, describeFailure } from '#tasks/steps/failure-cause';
import { makeOpenCallbackHandler, makeRecordOverdueHandler } from '#tasks/steps/callbacks';
import { makeCloseCaseHandler, makeRecordFailureHandler } from '#tasks/steps/closing';
import { makeCheckDeadlineHandler, makeIssueNoticeHandler } from '#tasks/steps/intake';
import {
  COLD_START_ALLOWANCE_SECONDS,
  SELF_ANSWER_TIMEOUT_SECONDS,
  TASK_FUNCTION_TIMEOUT_SECONDS,
} from '#shared/time-limits';
import type { PhaseInput, WorkflowEngine } from '#workflow/engine';
import { reportedCase } from '../fixtures/cases';
import { seedSubmission } from '../fixtures/submissions';
import { TEST_OFFICES } from '../fixtures/documents';
import { freshBucket } from '../support/objects';
import { freshTable } from '../support/table';
import { RecordingMailer, TEST_POLICY_OVERRIDES } from './harness';

/** Records what the task functions ask of the engine (these tests run functions without one). */
class RecordingEngine implements WorkflowEngine {
  readonly answers: { token: string; output: Record<string, unknown> }[] = [];
  readonly started: PhaseInput[] = [];
  async startExecution(input: PhaseInput) {
    this.started.push(input);
    return { name: `${input.caseId}--${input.phase}--${input.round}`, started: true };
  }
  async executionExists(input: PhaseInput) {
    return this.started.some((s) => s.caseId === input.caseId && s.phase === input.phase && s.round === input.round);
  }
  async executionStatus(name: string) {
    return this.started.some((s) => `${s.caseId}--${s.phase}--${s.round}` === name) ? ('RUNNING' as const) : undefined;
  }
  async sendTaskSuccess(token: string, output: Record<string, unknown>) {
    this.answers.push({ token, output });
    return 'delivered' as const;
  }
  async stopExecution() {}
}

let table: Awaited<ReturnType<typeof freshTable>>;
let bucket: Awaited<ReturnType<typeof freshBucket>>;
let deps: TaskDeps & { engine: RecordingEngine; mailer: RecordingMailer };
const offices = parseIssuingOffices(TEST_OFFICES);
const clock = manualClock(new Date('2026-03-03T01:30:00Z'));

/** The notice step of a function stopped after its event was committed and before the PDF was stored. */
function stoppingBeforeStore() {
  const stopping = new Proxy(bucket.objects, {
    get(target, property) {
      if (property === 'putImmutable') return () => Promise.reject(new Error('the function was stopped'));
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return makeIssueNoticeHandler({ ...deps, documents: makeDocumentIssuer({ objects: stopping, offices }) });
}

beforeAll(async () => {
  table = await freshTable('tasks');
  bucket = await freshBucket('tasks');
  deps = {
    documents: makeDocumentIssuer({ objects: bucket.objects, offices }),
    caseFiles: bucket.objects,
    store: table.store,
    mailer: new RecordingMailer(),
    clock,
    calendar: chinaCalendar(),
    policy: resolvePolicy(TEST_POLICY_OVERRIDES),
    engine: new RecordingEngine(),
  };
});

afterAll(async () => {
  await table.drop();
  bucket.close();
});

async function newCase(category: CaseRecord['category'] = 'other'): Promise<CaseRecord> {
  const { record, event } = reportedCase(deps.clock.now(), seedSubmission({ category }));
  await deps.store.intake.createCase(record, event);
  return record;
}

const intakeOf = (caseId: string) => ({ execution: { caseId, phase: 'intake', round: 1 } });

/** A case given its notice, then its inspection opened and recorded as demolished (no callback open). */
async function noticedAndInspectedDemolished() {
  const reported = await newCase();
  await makeIssueNoticeHandler(deps)(intakeOf(reported.id));
  const issued = (await deps.store.getCase(reported.id)) as CaseRecord;
  const opened = applyEvent(
    issued,
    { type: 'INSPECTION_OPENED', actor: { sub: 'rectify-workflow', role: 'system' }, at: deps.clock.now(), data: {} },
    'AWAITING_INSPECTION',
  );
  await deps.store.commit(issued, opened.next, opened.event);
  const decision = decide('AWAITING_INSPECTION', 'record-inspection', 'officer', 'demolished');
  if (!decision.allowed) throw new Error(decision.reason);
  const inspected = applyEvent(
    opened.next,
    {
      type: decision.event,
      actor: { sub: 'officer-1', role: 'officer' },
      at: deps.clock.now(),
      data: { result: 'demolished' },
    },
    decision.to,
  );
  await deps.store.commit(opened.next, inspected.next, inspected.event);
  return { reported, inspected };
}

describe('task functions', () => {
  it('refuses a malformed task input, naming the field', async () => {
    const issue = makeIssueNoticeHandler(deps);
    await expect(issue({ execution: { caseId: 'case-1', phase: 'intake', round: 1 } })).rejects.toThrow(TaskInputError);
    await expect(issue({ execution: { caseId: 'case-1', phase: 'intake', round: 1 } })).rejects.toThrow(
      /execution\.caseId: must be a case id/,
    );
    await expect(issue({})).rejects.toThrow(/execution: /);
  });

  it('gives concurrently issued notices distinct, consecutive numbers', async () => {
    const cases = await Promise.all([1, 2, 3, 4, 5, 6].map(() => newCase()));
    const before = await deps.store.noticeCounter(2026);
    const issue = makeIssueNoticeHandler(deps);
    await Promise.all(cases.map((c) => issue(intakeOf(c.id))));
    const numbers = await Promise.all(cases.map(async (c) => (await deps.store.getCase(c.id))?.notice?.number));
    expect(new Set(numbers).size).toBe(cases.length);
    expect(numbers.map((n) => Number(n?.slice(-6))).sort((a, b) => a - b)).toEqual(cases.map((_, i) => before + i + 1));
    expect(await deps.store.noticeCounter(2026)).toBe(before + cases.length);
  });

  it('issues one notice however often the step runs, and asks for the same emails each time', async () => {
    const reported = await newCase();
    const issue = makeIssueNoticeHandler(deps);
    const first = await issue(intakeOf(reported.id));
    const requests = deps.mailer.requests;
    const second = await issue(intakeOf(reported.id));
    expect(second).toEqual(first);
    const record = await deps.store.getCase(reported.id);
    expect(record?.lastSeq).toBe(2);
    expect(deps.mailer.requests).toBe(requests + 2);
    expect(deps.mailer.idsFor(reported.id)).toHaveLength(2);
  });

  it('stores the notice PDF under its number once, with the SHA-256 and size its event records, and attaches it to both notice emails', async () => {
    const reported = await newCase();
    const issue = makeIssueNoticeHandler(deps);
    await issue(intakeOf(reported.id));
    const [document] = await issuedDocuments(reported.id, 'NOTICE_ISSUED');
    const record = await deps.store.getCase(reported.id);
    expect(document).toMatchObject({ kind: 'notice', number: record?.notice?.number });
    const stored = await bucket.objects.getBytes(document?.key ?? '', { maxBytes: 1_000_000 });
    expect({ sha256: sha256(stored), size: stored.byteLength }).toEqual({
      sha256: document?.sha256,
      size: document?.size,
    });
    expect(Buffer.from(stored.subarray(0, 5)).toString()).toBe('%PDF-');
    const mails = [...deps.mailer.sent.values()].filter((r) => r.caseRecord.id === reported.id);
    expect(mails.map((m) => [m.kind, m.attachments?.map((a) => [a.key, a.sha256])])).toEqual(
      mails.map((m) => [m.kind, [[document?.key, document?.sha256]]]),
    );
    // Run again later: the same event, the same object, nothing new stored.
    clock.advance(3 * 3_600_000);
    await issue(intakeOf(reported.id));
    expect(await issuedDocuments(reported.id, 'NOTICE_ISSUED')).toEqual([document]);
    expect((await bucket.objects.digest(document?.key ?? ''))?.sha256).toBe(document?.sha256);
  });

  it('a run that stopped after recording the notice and before storing it: the re-run, hours later, stores the very bytes the event records', async () => {
    const reported = await newCase();
    await expect(stoppingBeforeStore()(intakeOf(reported.id))).rejects.toThrow('the function was stopped');
    const [document] = await issuedDocuments(reported.id, 'NOTICE_ISSUED');
    expect(await bucket.objects.head(document?.key ?? '')).toBeUndefined();
    clock.advance(5 * 3_600_000);
    await makeIssueNoticeHandler(deps)(intakeOf(reported.id));
    expect((await bucket.objects.digest(document?.key ?? ''))?.sha256).toBe(document?.sha256);
    expect((await deps.store.getCase(reported.id))?.lastSeq).toBe(2);
  });

  it('never stores a second, different notice: a re-run that finds other bytes under its key fails and leaves them', async () => {
    const reported = await newCase();
    await expect(stoppingBeforeStore()(intakeOf(reported.id))).rejects.toThrow('the function was stopped');
    const [document] = await issuedDocuments(reported.id, 'NOTICE_ISSUED');
    const other = Buffer.from('%PDF-1.3 not the notice that was issued');
    await bucket.objects.putImmutable(document?.key ?? '', other, { contentType: 'application/pdf' });
    await expect(makeIssueNoticeHandler(deps)(intakeOf(reported.id))).rejects.toThrow(ObjectConflictError);
    expect((await bucket.objects.digest(document?.key ?? ''))?.sha256).toBe(sha256(other));
  });

  it('renders no document in a sub-district no office issues documents for, naming the sub-district', async () => {
    const reported = await newCase();
    const strict = parseIssuingOffices({ subdistricts: TEST_OFFICES.subdistricts });
    const elsewhere = { ...reported, location: { ...reported.location, subdistrict: '井口街道' } };
    await expect(
      makeDocumentIssuer({ objects: bucket.objects, offices: strict }).render(elsewhere, [], {
        type: 'NOTICE_ISSUED',
        at: deps.clock.now().toISOString(),
        data: {},
      }),
    ).rejects.toThrow(MissingIssuingOfficeError);
    expect(() => strict.officeFor('井口街道')).toThrow(/"井口街道"/);
  });

  it('answers an inspection callback at once when the result is already on the case', async () => {
    // The inspection was recorded (and the case moved on) while no callback was open.
    const { reported, inspected } = await noticedAndInspectedDemolished();

    const result = await makeOpenCallbackHandler(deps)({
      ...intakeOf(reported.id),
      kind: 'inspection',
      token: 'token-1',
    });
    expect(result).toEqual({ waiting: false, outcome: 'demolished' });
    expect(deps.engine.answers.at(-1)).toEqual({
      token: 'token-1',
      output: { outcome: 'demolished', eventSeq: inspected.event.seq },
    });
    expect((await deps.store.getCase(reported.id))?.pendingCallback).toBeUndefined();
  });

  it('gives a callback it will answer itself a timeout a cold start and the whole task fit in, not one second', async () => {
    const { reported } = await noticedAndInspectedDemolished();

    // The result is recorded: the inspection callback opens and its own step answers it at once.
    expect(await makeCheckDeadlineHandler(deps)(intakeOf(reported.id))).toEqual({
      next: 'inspect',
      engineTimeoutSeconds: SELF_ANSWER_TIMEOUT_SECONDS,
    });
    expect(await makeRecordOverdueHandler(deps)({ ...intakeOf(reported.id), kind: 'inspection' })).toEqual({
      next: 'await',
      engineTimeoutSeconds: SELF_ANSWER_TIMEOUT_SECONDS,
    });
    expect(SELF_ANSWER_TIMEOUT_SECONDS).toBeGreaterThanOrEqual(
      TASK_FUNCTION_TIMEOUT_SECONDS + COLD_START_ALLOWANCE_SECONDS,
    );
  });

  it('keeps the token of a step that waits for a person on the case, moving its version', async () => {
    const reported = await newCase('resident-built');
    expect(await makeIssueNoticeHandler(deps)(intakeOf(reported.id))).toMatchObject({ next: 'persuade' });
    const persuading = (await deps.store.getCase(reported.id)) as CaseRecord;
    expect(
      await makeOpenCallbackHandler(deps)({
        ...intakeOf(reported.id),
        kind: 'persuasion-result',
        token: 'token-2',
        engineTimeoutSeconds: 5,
      }),
    ).toEqual({ waiting: true });
    const waiting = await deps.store.getCase(reported.id);
    expect(waiting?.pendingCallback).toEqual({
      token: 'token-2',
      kind: 'persuasion-result',
      openedAt: deps.clock.now().toISOString(),
      dueAt: persuading.deadlines.persuasion?.at,
    });
    expect(waiting?.version).toBe(persuading.version + 1);
    expect(waiting?.lastSeq).toBe(persuading.lastSeq);
  });

  it('records a failure once however often the recording runs, flags the case and alerts once', async () => {
    const reported = await newCase();
    const record = makeRecordFailureHandler(deps);
    const input = { ...intakeOf(reported.id), failure: { Error: 'Rectify.InjectedFault', Cause: 'x'.repeat(5000) } };
    expect(await record(input)).toEqual({ recorded: true });
    expect(await record(input)).toEqual({ recorded: false });
    const events: string[] = [];
    for await (const event of deps.store.allEvents(reported.id)) events.push(event.type);
    expect(events).toEqual(['CASE_REPORTED', 'TASK_FAILED']);
    expect((await deps.store.getCase(reported.id))?.attention?.reason).toBe(
      'workflow step failed: Rectify.InjectedFault',
    );
    expect(deps.mailer.kindsFor(reported.id)).toEqual(['workflow-failure']);
  });

  it('records a Lambda error as its name and message, never its stack trace, in the history and the alert', async () => {
    const reported = await newCase();
    // What Step Functions hands the Catch when a task function throws in AWS.
    const cause = JSON.stringify({
      errorType: 'UnexpectedCaseStateError',
      errorMessage: `case ${reported.id} is ESCALATED: nothing to schedule`,
      trace: [
        `UnexpectedCaseStateError: case ${reported.id} is ESCALATED: nothing to schedule`,
        '    at /var/task/index.js:1:52810',
        '    at withCase (/var/task/index.js:1:49113)',
        '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      ],
    });
    await makeRecordFailureHandler(deps)({
      ...intakeOf(reported.id),
      failure: { Error: 'UnexpectedCaseStateError', Cause: cause },
    });
    const failed = [];
    for await (const event of deps.store.allEvents(reported.id))
      if (event.type === 'TASK_FAILED') failed.push(event.data);
    expect(failed).toEqual([
      expect.objectContaining({
        error: 'UnexpectedCaseStateError',
        cause: `case ${reported.id} is ESCALATED: nothing to schedule`,
      }),
    ]);
    const alert = [...deps.mailer.sent.values()].find(
      (r) => r.caseRecord.id === reported.id && r.kind === 'workflow-failure',
    );
    expect(alert?.facts).toEqual(
      expect.objectContaining({ cause: `case ${reported.id} is ESCALATED: nothing to schedule` }),
    );
    expect(JSON.stringify([failed, alert?.facts])).not.toMatch(/\/var\/task|index\.js|processTicksAndRejections/);
  });

  it('keeps a plain cause to its first line, without stack frames, and bounded', () => {
    expect(describeFailure({ Error: 'States.Timeout', Cause: 'Task timed out after 60.00 seconds' })).toEqual({
      error: 'States.Timeout',
      message: 'Task timed out after 60.00 seconds',
    });
    expect(describeFailure({ Error: 'Error', Cause: 'Error: boom\n    at f (/var/task/index.js:1:2)' })).toEqual({
      error: 'Error',
      message: 'Error: boom',
    });
    expect(describeFailure({ Error: 'Rectify.InjectedFault', Cause: 'x'.repeat(5000) }).message).toHaveLength(
      MAX_FAILURE_MESSAGE,
    );
    expect(describeFailure({ Error: 'States.TaskFailed' })).toEqual({ error: 'States.TaskFailed', message: '' });
  });

  it('closing a demolished case tags its files for the cheaper storage class, and tags them again on a re-run', async () => {
    const { reported } = await noticedAndInspectedDemolished();
    // A file of another case, under a key that shares this case's id as a prefix, is not this case's.
    const other = `${caseFilesPrefix(`${reported.id}X`)}evidence/E-other`;
    await bucket.objects.putImmutable(other, Buffer.from('another case'), { contentType: 'text/plain' });
    const [notice] = await issuedDocuments(reported.id, 'NOTICE_ISSUED');
    if (!notice) throw new Error('no notice stored');
    expect(await bucket.objects.tags(notice.key)).toEqual({});

    expect(await makeCloseCaseHandler(deps)(intakeOf(reported.id))).toEqual({ closed: true });
    expect(await bucket.objects.tags(notice.key)).toEqual({ [CLOSED_CASE_FILES_TAG.key]: CLOSED_CASE_FILES_TAG.value });
    expect(await bucket.objects.tags(other)).toEqual({});
    // The bytes the event's hash covers are untouched.
    expect(sha256(await bucket.objects.getBytes(notice.key, { maxBytes: 1e6 }))).toBe(notice.sha256);
    // Closed by an earlier run that stopped before tagging: the re-run tags them.
    await bucket.objects.tag(notice.key, {});
    expect(await makeCloseCaseHandler(deps)(intakeOf(reported.id))).toEqual({ closed: true });
    expect(await bucket.objects.tags(notice.key)).toEqual({ [CLOSED_CASE_FILES_TAG.key]: CLOSED_CASE_FILES_TAG.value });
  });

  it('closes only a case that was demolished', async () => {
    const reported = await newCase();
    expect(await makeCloseCaseHandler(deps)(intakeOf(reported.id))).toEqual({ closed: false });
    expect((await deps.store.getCase(reported.id))?.lastSeq).toBe(1);
  });
});

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The documents the last event of `type` records. */
async function issuedDocuments(caseId: string, type: string): Promise<IssuedDocument[]> {
  let found: IssuedDocument[] = [];
  for await (const event of deps.store.allEvents(caseId))
    if (event.type === type) found = (event.data.documents as IssuedDocument[] | undefined) ?? [];
  return found;
}
