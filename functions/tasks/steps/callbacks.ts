import * as z from 'zod';
import type { Deadline } from '#domain/deadlines';
import type { CaseEvent, CaseRecord } from '#domain/schemas';
import { pendingCallbackSchema } from '#domain/schemas';
import type { EventType, InspectionResult } from '#domain/vocabulary';
import { INSPECTION_RESULTS } from '#domain/vocabulary';
import { hasPassed, inspectionDeadline, overdueWindow, serviceDue, unservedDocument } from '#app/procedure';
import type { MailKind } from '#domain/mail-vocabulary';
import type { PhaseInput } from '#workflow/engine';
import type { DeadlineDeps, EngineDeps, MailDeps, TaskBaseDeps } from '../task-kit';
import {
  UnexpectedCaseStateError,
  commitStep,
  defineTask,
  engineSecondsUntil,
  eventsSince,
  historyOf,
  isHalted,
  occasionStamp,
  sendMail,
  taskInputSchema,
  withCase,
} from '../task-kit';
import { SELF_ANSWER_TIMEOUT_SECONDS } from '#shared/time-limits';
import { recordServiceOverdue } from './service';

type CallbackKind = z.infer<typeof pendingCallbackSchema>['kind'];
const callbackKind = pendingCallbackSchema.shape.kind;

/**
 * What a callback step can end with. A person's action answers with an inspection result, `extended` or
 * `completed`; the step answers itself when the answer is already on the case (`halted` when the case no
 * longer needs the workflow, `superseded` when the case moved on another way and the next task re-reads it).
 */
export type CallbackOutcome = InspectionResult | 'extended' | 'served' | 'completed' | 'halted' | 'superseded';

// ---------------------------------------------------------------------------------------------------
// Wait for … (open the callback)
// ---------------------------------------------------------------------------------------------------

const openCallbackInput = taskInputSchema.extend({
  kind: callbackKind,
  token: z.string().min(1).max(2048),
  /** Present for the engine's timeout; the step reads the due time from the case. */
  engineTimeoutSeconds: z.number().int().min(1).optional(),
});

const openCallbackOutput = z.strictObject({ waiting: z.boolean(), outcome: z.string().optional() });

function recordedResult(events: readonly CaseEvent[], since: EventType): InspectionResult | undefined {
  const recorded = eventsSince(events, since).filter((e) => e.type === 'INSPECTION_RECORDED');
  const result = recorded[recorded.length - 1]?.data.result;
  if (result === undefined) return undefined;
  const parsed = z.enum(INSPECTION_RESULTS).safeParse(result);
  // A recorded result that kept the case in persuasion was not a demolition.
  return parsed.success ? parsed.data : 'not-demolished';
}

/** The answer already on the case, if the step need not wait for a person at all. */
async function settledOutcome(
  deps: Pick<TaskBaseDeps, 'store'>,
  kind: CallbackKind,
  record: CaseRecord,
  now: Date,
): Promise<CallbackOutcome | undefined> {
  if (isHalted(record)) return 'halted';
  switch (kind) {
    case 'persuasion-result':
      if (record.status !== 'PERSUASION') return 'superseded';
      return recordedResult(await historyOf(deps, record.id), 'PERSUASION_STARTED');
    case 'inspection':
      switch (record.status) {
        case 'NOTICE_ISSUED': {
          const deadline = record.notice?.deadline;
          return deadline && !hasPassed(deadline.at, now) ? 'extended' : undefined;
        }
        case 'AWAITING_INSPECTION':
          return undefined;
        case 'SELF_DEMOLISHED':
          return 'demolished';
        case 'REPORTED':
        case 'PERSUASION':
          return 'superseded';
        default:
          // Escalated and beyond: the inspection found the structure standing.
          return 'not-demolished';
      }
    case 'service':
      if (unservedDocument(record)) return undefined;
      // Served, or the case moved on: the check after the callback re-reads it.
      return record.status === 'NOTICE_ISSUED' || record.status === 'ENFORCEMENT_DECIDED' ? 'served' : 'superseded';
    case 'enforcement':
      if (record.status === 'ENFORCEMENT_SCHEDULED') return undefined;
      return record.status === 'ENFORCED' ? 'completed' : 'superseded';
  }
}

function dueOf(deps: DeadlineDeps, kind: CallbackKind, record: CaseRecord): Deadline {
  const unserved = kind === 'service' ? unservedDocument(record) : undefined;
  if (unserved) return serviceDue(deps.calendar, deps.policy, record, unserved);
  const due = {
    'persuasion-result': record.deadlines.persuasion,
    inspection: record.deadlines.inspection,
    service: undefined,
    enforcement: record.deadlines.enforcement,
  }[kind];
  if (!due) throw new UnexpectedCaseStateError(`case ${record.id} waits for ${kind} without its deadline`);
  return due;
}

/**
 * Opens a step that waits for a person: keeps the callback token on the case (`pendingCallback`) so the
 * API can answer it. If the answer is already there — recorded while the previous callback was lost,
 * or by an earlier run of the phase — the step completes at once with it instead of waiting.
 */
export const makeOpenCallbackHandler = defineTask(
  'open-callback',
  openCallbackInput,
  openCallbackOutput,
  (deps: TaskBaseDeps & EngineDeps & DeadlineDeps, { execution, kind, token }) =>
    withCase(deps, execution.caseId, async (record) => {
      const now = deps.clock.now();
      const settled = await settledOutcome(deps, kind, record, now);
      if (settled) {
        await deps.engine.sendTaskSuccess(token, { outcome: settled, eventSeq: record.lastSeq });
        return { waiting: false, outcome: settled };
      }
      if (kind === 'inspection' && record.status === 'NOTICE_ISSUED') {
        const noticeDeadline = record.notice?.deadline;
        if (!noticeDeadline) throw new UnexpectedCaseStateError(`case ${record.id} is NOTICE_ISSUED without a notice`);
        const due = inspectionDeadline(deps.calendar, deps.policy, noticeDeadline);
        await commitStep(deps, record, 'open-inspection', {
          execution,
          data: { noticeDeadline, inspectionDeadline: due, window: deps.policy.inspectionWindow },
          patch: {
            deadlines: { ...record.deadlines, inspection: due },
            dueAt: due.at,
            pendingCallback: { token, kind, openedAt: now.toISOString(), dueAt: due.at },
          },
        });
      } else {
        await deps.store.setPendingCallback(
          record,
          { token, kind, openedAt: now.toISOString(), dueAt: dueOf(deps, kind, record).at },
          now.toISOString(),
        );
      }
      return { waiting: true };
    }),
);

// ---------------------------------------------------------------------------------------------------
// Record the overdue inspection / demolition
// ---------------------------------------------------------------------------------------------------

const recordOverdueInput = taskInputSchema.extend({ kind: z.enum(['inspection', 'service', 'enforcement']) });
type OverdueKind = Exclude<z.infer<typeof recordOverdueInput>['kind'], 'service'>;

const recordOverdueOutput = z.discriminatedUnion('next', [
  z.strictObject({ next: z.literal('await'), engineTimeoutSeconds: z.number().int().min(1) }),
  z.strictObject({ next: z.literal('recheck') }),
  z.strictObject({ next: z.literal('stop') }),
  z.strictObject({ next: z.literal('halt') }),
]);
type RecordOverdueOutput = z.infer<typeof recordOverdueOutput>;

const OVERDUE: Record<
  OverdueKind,
  {
    waiting: CaseRecord['status'];
    done: readonly CaseRecord['status'][];
    opened: EventType;
    overdue: EventType;
    action: 'mark-inspection-overdue' | 'mark-enforcement-overdue';
    mail: MailKind;
    deadline: 'inspection' | 'enforcement';
  }
> = {
  inspection: {
    waiting: 'AWAITING_INSPECTION',
    done: ['SELF_DEMOLISHED', 'ESCALATED', 'ENFORCEMENT_DECIDED', 'ENFORCEMENT_SCHEDULED', 'ENFORCED'],
    opened: 'INSPECTION_OPENED',
    overdue: 'INSPECTION_OVERDUE',
    action: 'mark-inspection-overdue',
    mail: 'inspection-overdue',
    deadline: 'inspection',
  },
  enforcement: {
    waiting: 'ENFORCEMENT_SCHEDULED',
    done: ['ENFORCED'],
    opened: 'ENFORCEMENT_SCHEDULED',
    overdue: 'ENFORCEMENT_OVERDUE',
    action: 'mark-enforcement-overdue',
    mail: 'enforcement-overdue',
    deadline: 'enforcement',
  },
};

const overdueEventData = z.object({
  round: z.number().int(),
  missedDeadline: z.object({ at: z.string(), date: z.string() }),
  workflowStopped: z.boolean().optional(),
});

function overdueMail(kind: OverdueKind, record: CaseRecord, round: number, missed: Pick<Deadline, 'at'>) {
  return {
    kind: OVERDUE[kind].mail,
    occasion: `${kind}-overdue-${occasionStamp(missed.at)}-${round}`,
    caseRecord: record,
    facts: kind === 'inspection' ? { inspectionDueAt: missed.at } : {},
  };
}

/**
 * A callback timed out (for a service, see `recordServiceOverdue`). If the person's answer arrived meanwhile, the callback re-opens and completes
 * with it. Otherwise the missed window is recorded (event and email to the sub-district office) and the
 * step is awaited again for one more inspection window; the last configured round flags the case for
 * attention, and the window after it ends the waiting, leaving the case flagged and in the overdue list.
 */
export const makeRecordOverdueHandler = defineTask(
  'record-overdue',
  recordOverdueInput,
  recordOverdueOutput,
  (deps: TaskBaseDeps & MailDeps & DeadlineDeps, { execution, kind }) =>
    withCase(deps, execution.caseId, async (record): Promise<RecordOverdueOutput> => {
      if (isHalted(record)) return { next: 'halt' };
      if (kind === 'service') return recordServiceOverdue(deps, execution, record);
      const spec = OVERDUE[kind];
      if (spec.done.includes(record.status))
        return { next: 'await', engineTimeoutSeconds: SELF_ANSWER_TIMEOUT_SECONDS };
      if (kind === 'inspection' && record.status === 'NOTICE_ISSUED') return { next: 'recheck' };
      if (record.status !== spec.waiting)
        throw new UnexpectedCaseStateError(`case ${record.id} is ${record.status}: no ${kind} is awaited`);
      const now = deps.clock.now();
      const due = record.deadlines[spec.deadline];
      if (!due) throw new UnexpectedCaseStateError(`case ${record.id} awaits ${kind} without its deadline`);
      const events = await historyOf(deps, record.id);
      // A resumed workflow waits afresh: the rounds it stopped after belong to the run before.
      const rounds = eventsSince(events, spec.opened, 'WORKFLOW_RESUMED').filter((e) => e.type === spec.overdue);
      const last = rounds.length ? overdueEventData.parse(rounds[rounds.length - 1]?.data) : undefined;
      if (last?.workflowStopped) return { next: 'stop' };
      if (!hasPassed(due.at, now)) {
        // Woken early, or this round was recorded by an earlier attempt: make sure its email went out.
        if (last) await sendMail(deps, overdueMail(kind, record, last.round, last.missedDeadline));
        return { next: 'await', engineTimeoutSeconds: engineSecondsUntil(deps, due.at) };
      }
      return markOverdue(deps, execution, kind, record, due, rounds.length + 1);
    }),
);

async function markOverdue(
  deps: TaskBaseDeps & MailDeps & DeadlineDeps,
  execution: PhaseInput,
  kind: OverdueKind,
  record: CaseRecord,
  missed: Deadline,
  round: number,
): Promise<RecordOverdueOutput> {
  const spec = OVERDUE[kind];
  const rounds = deps.policy.inspectionOverdueRounds;
  const now = deps.clock.now().toISOString();
  const stopping = round > rounds;
  const flagging = round >= rounds;
  const reason = stopping
    ? `${kind} not recorded after ${rounds} overdue round(s); the workflow stopped waiting`
    : `${kind} overdue for ${round} round(s) (deadline ${missed.date})`;
  const next = stopping ? undefined : overdueWindow(deps.calendar, deps.policy, missed);
  const { record: marked } = await commitStep(deps, record, spec.action, {
    execution,
    data: {
      round,
      missedDeadline: missed,
      ...(next ? { nextDeadline: next } : { workflowStopped: true }),
      flagged: flagging,
    },
    patch: {
      pendingCallback: undefined,
      ...(next ? { deadlines: { ...record.deadlines, [spec.deadline]: next }, dueAt: next.at } : {}),
      ...(flagging ? { attention: { reason, at: now } } : {}),
    },
  });
  if (flagging) await deps.store.flagForAttention(record.id, reason, now);
  await sendMail(deps, overdueMail(kind, marked, round, missed));
  return next ? { next: 'await', engineTimeoutSeconds: engineSecondsUntil(deps, next.at) } : { next: 'stop' };
}
