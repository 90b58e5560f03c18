import type { CaseFiles } from '#app/closed-case-files';
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import type { WorkingCalendar } from '#domain/calendar';
import { applyEvent } from '#domain/case-history';
import type { Clock } from '#domain/clock';
import type { ActionName } from '#domain/lifecycle';
import { decide } from '#domain/lifecycle';
import type { Policy } from '#domain/policy';
import type { CaseEvent, CaseRecord } from '#domain/schemas';
import { caseId as caseIdSchema } from '#domain/schemas';
import type { EventType } from '#domain/vocabulary';
import { TERMINAL_STATUSES } from '#domain/vocabulary';
import type { DocumentIssuer, RenderedDocument } from '#app/document-issuer';
import { attachmentsOf } from '#app/case-documents';
import type { IssuedDocument } from '#domain/documents';
import { CaseNotFoundError } from '#app/errors';
import { WORKFLOW_ACTOR } from '#app/procedure';
import type { MailDelivery, MailRequest, Mailer } from '#mail/mailer';
import type { CaseStore, CommitOptions } from '#store/case-store';
import { VersionConflictError } from '#store/errors';
import type { PhaseInput, WorkflowEngine } from '#workflow/engine';
import { PHASES, executionName } from '#workflow/engine';
import { injectLambdaContext } from '#shared/lambda-context';
import { CONFLICT_ATTEMPTS, CONFLICT_BACKOFF_BASE_MS, CONFLICT_BACKOFF_CAP_MS } from '#shared/time-limits';

/** What every workflow task works with: the case table and the clock. */
export interface TaskBaseDeps {
  store: CaseStore;
  clock: Clock;
  logger?: TaskLogger;
}

/** For a task that sends email (through the outbox). */
export interface MailDeps {
  mailer: Mailer;
}

/** For a task that computes deadlines: the district's policy and working calendar. */
export interface DeadlineDeps {
  calendar: WorkingCalendar;
  policy: Policy;
}

/** For a task that starts the next phase or answers its own callback. */
export interface EngineDeps {
  engine: WorkflowEngine;
}

/** For a task that issues documents: renders them and stores them in the object store. */
export interface DocumentDeps {
  documents: DocumentIssuer;
}

/** For a task that closes cases: tags a closed case's files for the cheaper storage class. */
export interface ArchiveDeps {
  caseFiles: CaseFiles;
}

/**
 * Everything any task may use: what the local engine, which runs every task in-process, gives them all.
 * Each step names only the part it uses, and a Lambda entry builds only that part.
 */
export type TaskDeps = TaskBaseDeps & MailDeps & DeadlineDeps & EngineDeps & DocumentDeps & ArchiveDeps;

/** The slice of a Powertools logger the tasks use. */
interface TaskLogger {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** A task function: the Lambda handler body, also run in-process by the local engine. */
export type TaskHandler = (event: unknown, context?: unknown) => Promise<unknown>;

export const phaseInputSchema = z.strictObject({
  caseId: caseIdSchema,
  phase: z.enum(PHASES),
  round: z.number().int().min(1).max(1000),
});

/** Every task receives the execution's input under `execution` (`$$.Execution.Input` in the ASL). */
export const taskInputSchema = z.object({ execution: phaseInputSchema });

export class TaskInputError extends Error {
  override readonly name = 'TaskInputError';
}

/** The case is in a status this step can never meet; a bug or a hand-edited item, never retried into shape. */
export class UnexpectedCaseStateError extends Error {
  override readonly name = 'UnexpectedCaseStateError';
}

/**
 * Builds a task factory: the input is parsed with zod (a malformed input names its field), the step runs,
 * and its result is checked against the schema the ASL's Choice states rely on.
 */
export function defineTask<I extends z.ZodType, O extends z.ZodType, D extends TaskBaseDeps = TaskBaseDeps>(
  name: string,
  input: I,
  output: O,
  run: (deps: D, input: z.infer<I>) => Promise<z.infer<O>>,
) {
  return (deps: D): TaskHandler =>
    async (event: unknown, context?: unknown) => {
      injectLambdaContext(deps.logger, context);
      const parsed = input.safeParse(event);
      if (!parsed.success) {
        throw new TaskInputError(
          `${name}: invalid task input: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ')}`,
        );
      }
      const result = output.parse(await run(deps, parsed.data));
      deps.logger?.info(`${name} done`, { execution: (parsed.data as { execution?: PhaseInput }).execution, result });
      return result;
    };
}

/** Closed, dismissed or on hold: the workflow has nothing to do for the case. */
export function isHalted(record: CaseRecord): boolean {
  return TERMINAL_STATUSES.includes(record.status) || record.status === 'ON_HOLD';
}

/*
 * Backoff between attempts: exponential with full jitter, capped. Notices issued at the same moment all
 * take the next number of one counter, so dozens of steps can race for one item; a short, linear pause
 * kept them colliding until their attempts ran out and their workflows failed. The attempts, their
 * pauses and the task function's timeout are set together in functions/shared/time-limits.ts.
 */

/**
 * Runs a step against the freshest case, again from a fresh read whenever someone else changed the case
 * first (an officer's action, another case taking the same notice number). Steps are written so a
 * re-run decides from what is stored, which is what makes this, Step Functions' retries and a phase
 * re-run from its start all safe.
 */
export async function withCase<T>(
  deps: Pick<TaskBaseDeps, 'store' | 'logger'>,
  caseId: string,
  step: (record: CaseRecord) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const record = await deps.store.getCase(caseId);
    if (!record) throw new CaseNotFoundError(caseId);
    try {
      return await step(record);
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= CONFLICT_ATTEMPTS) throw error;
      deps.logger?.warn('case changed while the step ran; deciding again', { caseId, attempt });
      await sleep(Math.random() * Math.min(CONFLICT_BACKOFF_CAP_MS, CONFLICT_BACKOFF_BASE_MS * 2 ** attempt));
    }
  }
}

/**
 * Commits one system action: the lifecycle decides the next status, the event is sealed onto the chain,
 * and case and event are stored in one version-guarded transaction. The execution carrying the case is
 * recorded on it, so an officer's dismissal or appeal can stop it.
 */
export async function commitStep(
  deps: Pick<TaskBaseDeps, 'store' | 'clock'>,
  record: CaseRecord,
  action: ActionName,
  step: {
    execution: PhaseInput;
    data: Record<string, unknown>;
    patch?: Parameters<typeof applyEvent>[3];
    outcome?: string;
    options?: CommitOptions;
    /** The execution to record on the case, when not the running one (the hand-over to enforcement). */
    carriedBy?: string;
    /** When the event happens, if already fixed (the issue time a document states); the clock's now otherwise. */
    at?: Date;
  },
): Promise<{ record: CaseRecord; event: CaseEvent }> {
  const decision = decide(record.status, action, 'system', step.outcome);
  if (!decision.allowed) throw new UnexpectedCaseStateError(`case ${record.id}: ${decision.reason}`);
  const running = executionName(step.execution);
  const { next, event } = applyEvent(
    record,
    {
      type: decision.event,
      actor: WORKFLOW_ACTOR,
      at: step.at ?? deps.clock.now(),
      data: { execution: running, ...step.data },
    },
    decision.to,
    { ...step.patch, execution: step.carriedBy ?? running },
  );
  await deps.store.commit(record, next, event, step.options);
  return { record: next, event };
}

/** The case's whole history (cases hold tens of events, read page by page). */
export async function historyOf(deps: Pick<TaskBaseDeps, 'store'>, caseId: string): Promise<CaseEvent[]> {
  const events: CaseEvent[] = [];
  for await (const event of deps.store.allEvents(caseId)) events.push(event);
  return events;
}

/** The events after the last one of any of `types` (all of them when there is none). */
export function eventsSince(events: readonly CaseEvent[], ...types: EventType[]): CaseEvent[] {
  let last = -1;
  events.forEach((event, index) => {
    if (types.includes(event.type)) last = index;
  });
  return events.slice(last + 1);
}

/**
 * The wall-clock instant the engine wakes for a legal instant (identity in AWS; accelerated locally),
 * never before it. Step Functions drops the fraction of a second of a Wait state's timestamp, so a
 * deadline at 23:59:59.999 would wake 999 ms early, find the moment not come and go round
 * Task→Choice→Wait until it has: the legal instant is rounded up to the whole second first.
 */
export function engineTime(deps: Pick<TaskBaseDeps, 'clock'>, legal: string | Date): string {
  const wholeSecond = Math.ceil(new Date(legal).getTime() / 1000) * 1000;
  return new Date(Math.ceil(deps.clock.toEngineTime(new Date(wholeSecond)).getTime())).toISOString();
}

/** The engine seconds (≥ 1) a callback may wait until a legal instant. */
export function engineSecondsUntil(deps: Pick<TaskBaseDeps, 'clock'>, legal: string): number {
  return deps.clock.toEngineSeconds(Math.max(0, (Date.parse(legal) - deps.clock.now().getTime()) / 1000));
}

/** Wake now: the state after the Wait decides (used when a step finds nothing to wait for). */
export function wakeNow(deps: Pick<TaskBaseDeps, 'clock'>): string {
  return engineTime(deps, deps.clock.now());
}

/**
 * Sends an email through the outbox. Its id is deterministic (case, occasion, kind), so a retried or
 * re-run step asks again and the outbox does not send it again.
 */
export async function sendMail(
  deps: MailDeps & Pick<TaskBaseDeps, 'logger'>,
  request: MailRequest,
): Promise<MailDelivery[]> {
  const deliveries = await deps.mailer.deliver(request);
  deps.logger?.info('mail requested', {
    caseId: request.caseRecord.id,
    kind: request.kind,
    occasion: request.occasion,
    deliveries,
  });
  return deliveries;
}

/** An outbox occasion is plain ASCII without `#`: `2026-12-07T15:59:59.999Z` → `20261207T155959Z`. */
export function occasionStamp(iso: string): string {
  return iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * Issues the documents of a system action: renders them for the event about to be committed (its time
 * fixed first, so the PDF states it) and commits the event recording each document's key, SHA-256 and
 * size. The caller then stores the bytes (`storeDocuments`), before any email attaches them: after the
 * commit, so a run that stops before it leaves no document that no event records, and the re-run stores
 * exactly what the event records (`storedDocuments`).
 */
export async function commitWithDocuments(
  deps: Pick<TaskBaseDeps, 'store' | 'clock'> & DocumentDeps,
  record: CaseRecord,
  action: ActionName,
  step: Parameters<typeof commitStep>[3] & { at: Date },
): Promise<{ record: CaseRecord; event: CaseEvent; documents: IssuedDocument[]; storeDocuments: () => Promise<void> }> {
  const decision = decide(record.status, action, 'system', step.outcome);
  if (!decision.allowed) throw new UnexpectedCaseStateError(`case ${record.id}: ${decision.reason}`);
  const history = await historyOf(deps, record.id);
  const rendered: RenderedDocument[] = await deps.documents.render(record, history, {
    type: decision.event,
    at: step.at.toISOString(),
    data: step.data,
  });
  const documents = rendered.map((r) => r.issued);
  const committed = await commitStep(deps, record, action, { ...step, data: { ...step.data, documents } });
  return { ...committed, documents, storeDocuments: () => deps.documents.store(rendered) };
}

/**
 * The documents the last event of `type` issued, stored if a run stopped between committing it and
 * storing them (none for an event recorded before documents were rendered).
 */
export async function storedDocuments(
  deps: Pick<TaskBaseDeps, 'store'> & DocumentDeps,
  record: CaseRecord,
  type: EventType,
): Promise<IssuedDocument[]> {
  const history = await historyOf(deps, record.id);
  const issuing = history.findLast((e) => e.type === type);
  return issuing ? deps.documents.ensureStored(record, history, issuing) : [];
}

/** The attachments of an email that announces documents. */
export function documentAttachments(documents: readonly IssuedDocument[]): Pick<MailRequest, 'attachments'> {
  return documents.length ? { attachments: attachmentsOf(documents) } : {};
}
