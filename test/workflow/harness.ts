import { setTimeout as sleep } from 'node:timers/promises';
import { applyEvent } from '#domain/case-history';
import { verifyChain } from '#domain/chain';
import { chinaCalendar } from '#domain/china-calendar';
import type { Clock } from '#domain/clock';
import { acceleratedClock } from '#domain/clock';
import type { ActionName } from '#domain/lifecycle';
import { decide } from '#domain/lifecycle';
import type { Policy, PolicyOverrides } from '#domain/policy';
import { resolvePolicy } from '#domain/policy';
import type { ActorRef, CaseEvent, CaseRecord, CaseSubmission, ServiceAction } from '#domain/schemas';
import { serviceSpec } from '#app/action-specs';
import { unservedDocument } from '#app/procedure';
import { shanghaiDateOf } from '#domain/shanghai-time';
import type { PhaseInput } from '#workflow/engine';
import type { CaseStatus, EventType, InspectionResult } from '#domain/vocabulary';
import type { MailKind } from '#domain/mail-vocabulary';
import type { MailDelivery, MailRequest, Mailer } from '#mail/mailer';
import { mailId } from '#mail/mailer';
import type { CaseStore } from '#store/case-store';
import { VersionConflictError } from '#store/errors';
import type { LocalEngineOptions } from '#local/local-engine';
import { LocalWorkflowEngine } from '#local/local-engine';
import type { EngineProbe } from '#local/local-engine-probes';
import { EngineEventLog, TaskFaults } from '#local/local-engine-probes';
import { makeDocumentIssuer } from '#app/document-issuer';
import { parseIssuingOffices } from '#documents/issuing-offices';
import type { S3ObjectStore } from '#objects/s3-object-store';
import { reportedCase } from '../fixtures/cases';
import { TEST_OFFICES } from '../fixtures/documents';
import { freshBucket } from '../support/objects';
import { seedSubmission } from '../fixtures/submissions';
import { freshTable } from '../support/table';

/**
 * The same mailer contract the outbox keeps: an email is identified by (case, occasion, kind) and sent at
 * most once, however often a step asks. `sent` lists each email once; `requests` counts every ask.
 */
export class RecordingMailer implements Mailer {
  readonly sent = new Map<string, MailRequest>();
  requests = 0;

  async deliver(request: MailRequest): Promise<MailDelivery[]> {
    this.requests += 1;
    const id = mailId(request.caseRecord.id, request.occasion, request.kind);
    if (this.sent.has(id)) return [{ id, status: 'already-sent' }];
    this.sent.set(id, request);
    return [{ id, status: 'sent' }];
  }

  /** The kinds of the emails sent for a case, in the order they were first sent. */
  kindsFor(caseId: string): MailKind[] {
    return [...this.sent.values()].filter((r) => r.caseRecord.id === caseId).map((r) => r.kind);
  }

  idsFor(caseId: string): string[] {
    return [...this.sent.keys()].filter((id) => id.startsWith(`${caseId}#`));
  }
}

/**
 * Short periods so a whole lifecycle passes in a few seconds of accelerated time; every rule (working
 * days, holidays, windows) still applies. Counted from a Tuesday in March 2026, a published year. The
 * windows people act in stay long enough (a few engine seconds) for a busy test to answer in time.
 */
export const TEST_POLICY_OVERRIDES: PolicyOverrides = {
  persuasion: { amount: 3, unit: 'calendar-days' },
  noticeDeadline: Object.fromEntries(
    (['unit-internal', 'resident-built', 'other'] as const).map((category) => [
      category,
      {
        minor: { amount: 4, unit: 'calendar-days' },
        moderate: { amount: 4, unit: 'calendar-days' },
        serious: { amount: 4, unit: 'calendar-days' },
      },
    ]),
  ),
  reminderLead: { amount: 1, unit: 'working-days' },
  inspectionWindow: { amount: 5, unit: 'working-days' },
  inspectionOverdueRounds: 2,
  urgePeriod: { amount: 3, unit: 'calendar-days' },
  announcementPeriod: { amount: 3, unit: 'calendar-days' },
  reconsiderationWindow: { amount: 5, unit: 'calendar-days' },
  litigationWindow: { amount: 7, unit: 'calendar-days' },
  enforcementWindow: { amount: 15, unit: 'calendar-days' },
};

/** Windows that pass quickly, for the scenarios where nobody answers in time. */
export const SHORT_WINDOWS: PolicyOverrides = {
  inspectionWindow: { amount: 2, unit: 'working-days' },
  enforcementWindow: { amount: 3, unit: 'calendar-days' },
};

/** Tuesday 2026-03-03 09:30 in Asia/Shanghai. */
export const LEGAL_START = new Date('2026-03-03T01:30:00Z');

/** Legal seconds per wall-clock second: one engine second is about three legal days. */
const TEST_FACTOR = 250_000;

/** An accelerated clock the tests can set back to the start of legal time between scenarios. */
export interface TestClock extends Clock {
  restartAt(legal: Date): void;
}

export function testClock(legal: Date, factor: number): TestClock {
  let current = acceleratedClock({ wallMs: Date.now(), legalMs: legal.getTime(), factor });
  return {
    now: () => current.now(),
    toEngineTime: (instant) => current.toEngineTime(instant),
    toEngineSeconds: (seconds) => current.toEngineSeconds(seconds),
    restartAt(to) {
      current = acceleratedClock({ wallMs: Date.now(), legalMs: to.getTime(), factor });
    },
  };
}

export interface Harness {
  store: CaseStore;
  /** Where the workflow stores the documents it issues (a fresh bucket on the run's local S3). */
  objects: S3ObjectStore;
  mailer: RecordingMailer;
  clock: TestClock;
  policy: Policy;
  engine: LocalWorkflowEngine;
  engineOptions: LocalEngineOptions;
  /** What the current engine did (a restarted engine starts a new log). */
  eventLog: EngineEventLog;
  faults: TaskFaults;
  /**
   * Cases whose documents nobody serves. Every other case has its notice and enforcement decision served
   * (直接送达, the same day) as soon as the workflow waits for the service, as an office would.
   */
  leaveUnserved: Set<string>;
  /** A new engine over the same table, as after a restart. */
  restartEngine(): Promise<LocalWorkflowEngine>;
  close(): Promise<void>;
}

/**
 * Starts a scenario at LEGAL_START. Executions an earlier (failed) scenario left running are stopped
 * first: they would see legal time jump back.
 */
export async function startScenario(harness: Harness): Promise<void> {
  for (const name of harness.engine.runningExecutions())
    await harness.engine.stopExecution(name, 'the next scenario starts');
  harness.clock.restartAt(LEGAL_START);
}

/** The date `days` calendar days after an ISO date. */
export function daysAfter(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export async function workflowHarness(options: { policy?: PolicyOverrides; factor?: number } = {}): Promise<Harness> {
  const table = await freshTable('workflow');
  const clock = testClock(LEGAL_START, options.factor ?? TEST_FACTOR);
  const policy = resolvePolicy({ ...TEST_POLICY_OVERRIDES, ...options.policy });
  const mailer = new RecordingMailer();
  const bucket = await freshBucket('workflow');
  const documents = makeDocumentIssuer({ objects: bucket.objects, offices: parseIssuingOffices(TEST_OFFICES) });
  const eventLog = new EngineEventLog();
  const faults = new TaskFaults();
  const serving: EngineProbe = {
    onInvocation(invocation) {
      if (!invocation.ok || !SERVICE_STATES.includes(invocation.state)) return;
      const caseId = invocation.execution.split('--')[0] ?? '';
      if (harness.leaveUnserved.has(caseId)) return;
      serveWhatIsUnserved(harness, caseId).catch((error: unknown) => {
        console.warn(`serving case ${caseId} failed: ${String(error)}`);
      });
    },
  };
  const engineOptions: LocalEngineOptions = {
    taskDeps: {
      store: table.store,
      mailer,
      clock,
      calendar: chinaCalendar(),
      policy,
      documents,
      caseFiles: bucket.objects,
    },
    doc: table.doc,
    tableName: table.tableName,
    retryIntervalMs: 10,
    probes: [eventLog, faults, serving],
  };
  const harness: Harness = {
    store: table.store,
    objects: bucket.objects,
    mailer,
    clock,
    policy,
    engine: new LocalWorkflowEngine(engineOptions),
    engineOptions,
    eventLog,
    faults,
    leaveUnserved: new Set(),
    async restartEngine() {
      await harness.engine.close();
      harness.eventLog = new EngineEventLog();
      engineOptions.probes = [harness.eventLog, harness.faults, serving];
      harness.engine = new LocalWorkflowEngine(engineOptions);
      return harness.engine;
    },
    async close() {
      await harness.engine.close();
      await table.drop();
      bucket.close();
    },
  };
  return harness;
}

/** A case as the API creates it, reported now (legal time), from the seed community. */
export async function reportCase(harness: Harness, submission: Partial<CaseSubmission> = {}): Promise<CaseRecord> {
  const { record, event } = reportedCase(harness.clock.now(), seedSubmission(submission));
  await harness.store.intake.createCase(record, event);
  return record;
}

export async function caseOf(harness: Harness, caseId: string): Promise<CaseRecord> {
  const record = await harness.store.getCase(caseId);
  if (!record) throw new Error(`case ${caseId} is missing`);
  return record;
}

export async function historyOf(harness: Harness, caseId: string): Promise<CaseEvent[]> {
  const events: CaseEvent[] = [];
  for await (const event of harness.store.allEvents(caseId)) events.push(event);
  return events;
}

export async function eventTypes(harness: Harness, caseId: string): Promise<EventType[]> {
  return (await historyOf(harness, caseId)).map((e) => e.type);
}

/** The stored history verifies against the head the case item records. */
export async function assertChainVerifies(harness: Harness, caseId: string): Promise<void> {
  const record = await caseOf(harness, caseId);
  const verdict = verifyChain(await historyOf(harness, caseId), { lastSeq: record.lastSeq, lastHash: record.lastHash });
  if (!verdict.ok) throw new Error(`history of ${caseId} does not verify: ${verdict.reason}`);
}

/** Polls the case until `ready` holds (the workflow runs in the background). */
export async function waitForCase(
  harness: Harness,
  caseId: string,
  ready: (record: CaseRecord) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<CaseRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await caseOf(harness, caseId);
    if (ready(record)) return record;
    if (Date.now() > deadline)
      throw new Error(`case ${caseId} never got ${what}; it is ${record.status} (version ${record.version})`);
    await sleep(15);
  }
}

export function waitForStatus(
  harness: Harness,
  caseId: string,
  status: CaseStatus,
  timeoutMs?: number,
): Promise<CaseRecord> {
  return waitForCase(harness, caseId, (r) => r.status === status, `status ${status}`, timeoutMs);
}

/** Waits until the workflow keeps a callback of `kind` open on the case (the API could now answer it). */
export function waitForCallback(
  harness: Harness,
  caseId: string,
  kind: NonNullable<CaseRecord['pendingCallback']>['kind'],
  notToken?: string,
): Promise<CaseRecord> {
  return waitForCase(
    harness,
    caseId,
    (r) => r.pendingCallback?.kind === kind && r.pendingCallback.token !== notToken,
    `a pending ${kind} callback`,
  );
}

const OFFICER: ActorRef = { sub: 'officer-1', role: 'officer' };
const ENFORCER: ActorRef = { sub: 'enforcer-1', role: 'enforcer' };

type Aftermath = { answer?: string; stop?: boolean; start?: PhaseInput; afterAppealRound?: number };

/**
 * A person's action as the API takes it: decide, seal, commit (clearing the pending callback), then
 * answer the workflow per the callback contract. Retries when the workflow changed the case meanwhile.
 */
async function act(
  harness: Harness,
  caseId: string,
  actor: ActorRef,
  action: ActionName,
  build: (record: CaseRecord) => {
    outcome?: string;
    data: Record<string, unknown>;
    patch?: Parameters<typeof applyEvent>[3];
    aftermath: Aftermath;
  },
): Promise<{ record: CaseRecord; delivery?: string }> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const before = await caseOf(harness, caseId);
    const plan = build(before);
    const decision = decide(before.status, action, actor.role, plan.outcome);
    if (!decision.allowed) throw new Error(`${action} refused: ${decision.reason}`);
    const { next, event } = applyEvent(
      before,
      { type: decision.event, actor, at: harness.clock.now(), data: plan.data },
      decision.to,
      {
        ...plan.patch,
        pendingCallback: undefined,
      },
    );
    try {
      await harness.store.commit(before, next, event);
    } catch (error) {
      if (error instanceof VersionConflictError) continue;
      throw error;
    }
    let delivery: string | undefined;
    if (plan.aftermath.answer && before.pendingCallback) {
      delivery = await harness.engine.sendTaskSuccess(before.pendingCallback.token, {
        outcome: plan.aftermath.answer,
        eventSeq: event.seq,
      });
    }
    if (plan.aftermath.stop && before.execution)
      await harness.engine.stopExecution(before.execution, `${event.type} at event ${event.seq}`);
    if (plan.aftermath.start) await harness.engine.startExecution(plan.aftermath.start);
    if (plan.aftermath.afterAppealRound)
      await harness.engine.startExecution({ caseId, phase: 'after-appeal', round: plan.aftermath.afterAppealRound });
    return { record: next, delivery };
  }
  throw new Error(`${action} kept conflicting with the workflow`);
}

export function recordInspection(
  harness: Harness,
  caseId: string,
  result: InspectionResult,
  actor: ActorRef = OFFICER,
) {
  return act(harness, caseId, actor, 'record-inspection', (record) => ({
    outcome: result,
    data: {
      result,
      inspectedAt: harness.clock.now().toISOString(),
      inspector: '王复查',
      areaRemovedM2: result === 'demolished' ? record.areaM2 : undefined,
    },
    patch: result === 'demolished' ? { areaRemovedM2: record.areaM2 } : {},
    aftermath: { answer: result },
  }));
}

export function grantExtension(harness: Harness, caseId: string, extraDays: number) {
  return act(harness, caseId, OFFICER, 'grant-extension', (record) => {
    const notice = record.notice;
    if (!notice) throw new Error('no notice to extend');
    const date = daysAfter(notice.deadline.date, extraDays);
    const deadline = { date, at: new Date(Date.parse(`${date}T23:59:59.999+08:00`)).toISOString(), provisional: false };
    return {
      data: { previousDeadline: notice.deadline, deadline, extraDays, reason: '当事人申请延期', approver: '李科长' },
      patch: {
        notice: {
          ...notice,
          deadline,
          extensionCount: notice.extensionCount + 1,
          extendedDays: notice.extendedDays + extraDays,
        },
        deadlines: { ...record.deadlines, notice: deadline },
        dueAt: deadline.at,
      },
      aftermath: { answer: record.pendingCallback?.kind === 'inspection' ? 'extended' : undefined },
    };
  });
}

/**
 * 送达 recorded by an officer, with the deadline counted again and the workflow told exactly as the API's
 * action does (the notice's waiting step answered; the decision handed to a fresh execution).
 */
export function recordService(harness: Harness, caseId: string, input: ServiceAction) {
  const spec = serviceSpec(input, { calendar: chinaCalendar(), policy: harness.policy });
  return act(harness, caseId, OFFICER, 'record-service', (record) => {
    const plan = spec.plan(record, harness.clock.now(), record.status);
    if (plan instanceof Promise) throw new Error('the service plan reads nothing');
    const told = spec.aftermath(record, { ...record, ...plan.patch });
    const aftermath: Aftermath =
      told.kind === 'answer-callback'
        ? { answer: told.outcome }
        : told.kind === 'hand-over'
          ? { stop: true, start: told.execution }
          : {};
    return { outcome: input.document, data: plan.data, patch: plan.patch, aftermath };
  });
}

/** The states where the workflow waits for a document's service. */
const SERVICE_STATES = ['Wait for the notice to be served', 'Wait for the enforcement decision to be served'];

/** 直接送达 today of the document the case waits on, if it still does. */
async function serveWhatIsUnserved(harness: Harness, caseId: string): Promise<void> {
  const record = await caseOf(harness, caseId);
  const document = unservedDocument(record);
  if (!document) return;
  await recordService(harness, caseId, {
    document,
    method: 'direct',
    servedOn: shanghaiDateOf(harness.clock.now()),
    receiver: '当事人本人',
  });
}

export function dismiss(harness: Harness, caseId: string, options: { stopExecution?: boolean } = {}) {
  return act(harness, caseId, OFFICER, 'dismiss', () => ({
    data: { reason: 'not-a-violation', explanation: '经核实为合法建设' },
    patch: { dueAt: undefined },
    aftermath: { stop: options.stopExecution ?? true },
  }));
}

export function fileAppeal(harness: Harness, caseId: string) {
  return act(harness, caseId, OFFICER, 'file-appeal', () => ({
    data: {
      kind: 'reconsideration',
      filedOn: '2026-03-20',
      authority: '沙坪坝区人民政府',
      reference: '沙府复〔2026〕1号',
    },
    patch: { dueAt: undefined },
    aftermath: { stop: true },
  }));
}

export function resolveAppealUpheld(harness: Harness, caseId: string, round: number) {
  return act(harness, caseId, OFFICER, 'resolve-appeal', () => ({
    outcome: 'upheld',
    data: { outcome: 'upheld', resolvedOn: '2026-03-25', reference: '沙府复〔2026〕1号' },
    patch: { execution: `${caseId}--after-appeal--${round}` },
    aftermath: { afterAppealRound: round },
  }));
}

export function completeEnforcement(harness: Harness, caseId: string) {
  return act(harness, caseId, ENFORCER, 'complete-enforcement', (record) => ({
    data: { completedAt: harness.clock.now().toISOString(), teamLead: '赵队长', areaRemovedM2: record.areaM2 },
    patch: { areaRemovedM2: record.areaM2 },
    aftermath: { answer: 'completed' },
  }));
}

/**
 * How the execution carrying the case now ends. After the enforcement decision is served, that is the
 * fresh execution the service handed the case to, not the enforcement or after-appeal one.
 */
export async function carryingExecutionEnds(harness: Harness, caseId: string) {
  const name = (await caseOf(harness, caseId)).execution;
  if (!name) throw new Error(`case ${caseId} names no execution`);
  return harness.engine.waitForExecution(name);
}

/** State entries of every execution of a case, in order. */
export function statesEntered(eventLog: EngineEventLog, caseId: string): string[] {
  return eventLog.events
    .filter((e) => e.type === 'StateEntered' && e.execution.startsWith(`${caseId}--`))
    .map((e) => e.state ?? '');
}
