import * as z from 'zod';
import type { MailRequest } from '#mail/mailer';
import { mailFactsSchema } from '#mail/templates';
import type { CaseRecord } from '#domain/schemas';
import { isoDateTime } from '#domain/schemas';
import { shanghaiDateOf } from '#domain/shanghai-time';
import {
  enforcementDecisionDeadlines,
  enforcementSchedule,
  hasPassed,
  recordedEnforcementWindows,
  unservedDocument,
  urgeDeadline,
} from '#app/procedure';
import type { PhaseInput } from '#workflow/engine';
import { executionName } from '#workflow/engine';
import type { CaseEvent } from '#domain/schemas';
import type { DeadlineDeps, DocumentDeps, EngineDeps, MailDeps, TaskBaseDeps } from '../task-kit';
import {
  UnexpectedCaseStateError,
  commitStep,
  commitWithDocuments,
  documentAttachments,
  storedDocuments,
  defineTask,
  engineSecondsUntil,
  engineTime,
  eventsSince,
  historyOf,
  isHalted,
  occasionStamp,
  sendMail,
  taskInputSchema,
  wakeNow,
  withCase,
} from '../task-kit';
import { SELF_ANSWER_TIMEOUT_SECONDS } from '#shared/time-limits';
import { awaitService } from './service';

/** 陈述申辩: what the 催告书 tells the party (行政强制法 §35–§36). */
const RIGHT_OF_REPRESENTATION = '当事人有权进行陈述和申辩（《行政强制法》第三十五条、第三十六条）';

// ---------------------------------------------------------------------------------------------------
// Escalate to the sub-district office and serve the demand notice
// ---------------------------------------------------------------------------------------------------

const escalateOutput = z.strictObject({ wakeAt: isoDateTime });

/** The inspection that found the structure standing, as the escalation email reports it. */
function inspectionFacts(events: readonly CaseEvent[]): NonNullable<MailRequest['facts']> {
  const recorded = eventsSince(events, 'INSPECTION_OPENED').filter((e) => e.type === 'INSPECTION_RECORDED');
  const data = recorded[recorded.length - 1]?.data ?? {};
  const facts = mailFactsSchema.safeParse({
    inspectionResult: data.result,
    inspectedAt: data.inspectedAt,
    inspector: data.inspector,
    inspectionNotes: data.notes,
    areaRemovedM2: data.areaRemovedM2,
  });
  // An inspection recorded in another shape still escalates; the email then says less.
  if (!facts.success) return {};
  const { inspectionResult, inspectedAt, inspector, inspectionNotes, areaRemovedM2 } = facts.data;
  return { inspectionResult, inspectedAt, inspector, inspectionNotes, areaRemovedM2 };
}

/**
 * Not demolished by the deadline: the case is escalated to the sub-district office and the party is
 * served a 催告书 with its period and their right to state their case (陈述申辩).
 */
export const makeEscalateHandler = defineTask(
  'escalate',
  taskInputSchema,
  escalateOutput,
  (deps: TaskBaseDeps & MailDeps & DeadlineDeps & DocumentDeps, { execution }) =>
    withCase(deps, execution.caseId, async (record) => {
      if (isHalted(record) || (record.status !== 'ESCALATED' && !record.deadlines.urge))
        return { wakeAt: wakeNow(deps) };
      const facts = inspectionFacts(await historyOf(deps, record.id));
      const escalationMail = (caseRecord: CaseRecord, documents: Parameters<typeof documentAttachments>[0]) =>
        sendMail(deps, {
          kind: 'escalation',
          occasion: 'escalation',
          caseRecord,
          facts,
          ...documentAttachments(documents),
        });
      if (record.deadlines.urge) {
        // Escalated by an earlier run of the phase: the 催告书 is stored if that run stopped before storing
        // it; the email is asked for again, and the outbox sends it once.
        await escalationMail(record, await storedDocuments(deps, record, 'CASE_ESCALATED'));
        return { wakeAt: record.status === 'ESCALATED' ? engineTime(deps, record.deadlines.urge.at) : wakeNow(deps) };
      }
      const now = deps.clock.now();
      const urge = urgeDeadline(deps.calendar, deps.policy, now);
      const {
        record: escalated,
        documents,
        storeDocuments,
      } = await commitWithDocuments(deps, record, 'escalate', {
        execution,
        at: now,
        data: {
          inspectionResult: facts.inspectionResult,
          demand: {
            document: '催告书',
            period: deps.policy.urgePeriod,
            deadline: urge,
            rightOfRepresentation: RIGHT_OF_REPRESENTATION,
          },
        },
        patch: { deadlines: { ...record.deadlines, urge }, dueAt: urge.at },
      });
      await storeDocuments();
      await escalationMail(escalated, documents);
      return { wakeAt: engineTime(deps, urge.at) };
    }),
);

// ---------------------------------------------------------------------------------------------------
// Decide on enforcement and announce it
// ---------------------------------------------------------------------------------------------------

const decideEnforcementOutput = z.discriminatedUnion('next', [
  z.strictObject({ next: z.literal('wait'), wakeAt: isoDateTime }),
  z.strictObject({ next: z.literal('handed-over'), enforcementExecution: z.string() }),
  z.strictObject({ next: z.literal('halt') }),
]);
type DecideEnforcementOutput = z.infer<typeof decideEnforcementOutput>;

const ENFORCEMENT_ROUND = 1;

/** The email that announces the decision, with the 强制执行决定书 and the 强制拆除公告 attached. */
function decidedMail(caseRecord: CaseRecord, documents: Parameters<typeof documentAttachments>[0]): MailRequest {
  return {
    kind: 'enforcement-decided',
    occasion: 'enforcement-decided',
    caseRecord,
    ...documentAttachments(documents),
  };
}

/**
 * The 催告 period has passed without compliance: 强制执行决定书 (§37) and 强制拆除公告 (§44). The 公告
 * period and the 复议/诉讼 windows run from here and can take half a year, so the rest of the case runs
 * as the `enforcement` phase, its own execution, started here (by name, so a re-run starts it once).
 */
export const makeDecideEnforcementHandler = defineTask(
  'decide-enforcement',
  taskInputSchema,
  decideEnforcementOutput,
  (deps: TaskBaseDeps & MailDeps & EngineDeps & DeadlineDeps & DocumentDeps, { execution }) =>
    withCase(deps, execution.caseId, async (record): Promise<DecideEnforcementOutput> => {
      if (isHalted(record)) return { next: 'halt' };
      const enforcementPhase = { caseId: record.id, phase: 'enforcement' as const, round: ENFORCEMENT_ROUND };
      const enforcementExecution = executionName(enforcementPhase);
      if (record.status === 'ESCALATED') {
        const urge = record.deadlines.urge;
        if (!urge) throw new UnexpectedCaseStateError(`case ${record.id} is escalated without a demand period`);
        const now = deps.clock.now();
        if (!hasPassed(urge.at, now)) return { next: 'wait', wakeAt: engineTime(deps, urge.at) };
        const { announcement, reconsideration, litigation, earliestEnforcement } = enforcementDecisionDeadlines(
          deps.calendar,
          deps.policy,
          now,
        );
        const {
          record: decided,
          documents,
          storeDocuments,
        } = await commitWithDocuments(deps, record, 'decide-enforcement', {
          execution,
          at: now,
          data: {
            decision: { document: '强制执行决定书', decidedOn: shanghaiDateOf(now) },
            announcement: { document: '强制拆除公告', period: deps.policy.announcementPeriod, deadline: announcement },
            reconsideration: { period: deps.policy.reconsiderationWindow, deadline: reconsideration },
            litigation: { period: deps.policy.litigationWindow, deadline: litigation },
            earliestEnforcement,
            enforcementExecution,
          },
          patch: {
            deadlines: { ...record.deadlines, announcement, reconsideration, litigation },
            dueAt: earliestEnforcement.at,
          },
          carriedBy: enforcementExecution,
        });
        // The enforcement phase carries the case from the moment it is decided (an appeal filed now stops
        // it); the documents are stored, then attached to the email. A run that stops in between is
        // re-run, and the branch below stores and sends what the event records.
        await deps.engine.startExecution(enforcementPhase);
        await storeDocuments();
        await sendMail(deps, decidedMail(decided, documents));
        return { next: 'handed-over', enforcementExecution };
      }
      if (record.status === 'ENFORCEMENT_DECIDED' && record.execution === enforcementExecution) {
        // Decided by an earlier run that may have stopped before storing the documents, the email or the hand-over.
        await deps.engine.startExecution(enforcementPhase);
        await sendMail(deps, decidedMail(record, await storedDocuments(deps, record, 'ENFORCEMENT_DECIDED')));
        return { next: 'handed-over', enforcementExecution };
      }
      if (record.deadlines.announcement) {
        // Decided long ago; the enforcement (or after-appeal) phase carries the case.
        await sendMail(deps, decidedMail(record, await storedDocuments(deps, record, 'ENFORCEMENT_DECIDED')));
        return { next: 'handed-over', enforcementExecution };
      }
      throw new UnexpectedCaseStateError(`case ${record.id} is ${record.status}: no enforcement to decide`);
    }),
);

// ---------------------------------------------------------------------------------------------------
// Check the announcement and appeal windows
// ---------------------------------------------------------------------------------------------------

const checkWindowsOutput = z.discriminatedUnion('next', [
  z.strictObject({ next: z.literal('wait'), wakeAt: isoDateTime }),
  z.strictObject({ next: z.literal('serve'), engineTimeoutSeconds: z.number().int().min(1) }),
]);
type CheckWindowsOutput = z.infer<typeof checkWindowsOutput>;

/**
 * Recording the decision's service hands the case to a fresh execution (the windows run from it, and
 * an execution must not hold both the wait for service and the half-year windows): the one it left ends.
 */
function handedOver(record: CaseRecord, execution: PhaseInput): boolean {
  return record.execution !== undefined && record.execution !== executionName(execution);
}

/**
 * The first step of the enforcement and after-appeal phases: the windows run from the decision's service,
 * so an unserved decision is waited for first; then wait for the windows.
 */
export const makeCheckWindowsHandler = defineTask(
  'check-windows',
  taskInputSchema,
  checkWindowsOutput,
  (deps: TaskBaseDeps & DeadlineDeps, { execution }) =>
    withCase(deps, execution.caseId, async (record): Promise<CheckWindowsOutput> => {
      if (isHalted(record) || record.status !== 'ENFORCEMENT_DECIDED' || handedOver(record, execution))
        return { next: 'wait', wakeAt: wakeNow(deps) };
      if (unservedDocument(record)) return awaitService(deps, record, 'enforcement-decision');
      const windows = recordedEnforcementWindows(record);
      if (!windows) throw new UnexpectedCaseStateError(`case ${record.id} is ENFORCEMENT_DECIDED without its windows`);
      return { next: 'wait', wakeAt: engineTime(deps, windows.at) };
    }),
);

// ---------------------------------------------------------------------------------------------------
// Schedule the forced demolition
// ---------------------------------------------------------------------------------------------------

const scheduleEnforcementOutput = z.discriminatedUnion('next', [
  z.strictObject({ next: z.literal('wait'), wakeAt: isoDateTime }),
  z.strictObject({ next: z.literal('serve'), engineTimeoutSeconds: z.number().int().min(1) }),
  z.strictObject({ next: z.literal('await'), engineTimeoutSeconds: z.number().int().min(1) }),
  z.strictObject({ next: z.literal('halt') }),
]);
type ScheduleEnforcementOutput = z.infer<typeof scheduleEnforcementOutput>;

function scheduledMail(record: CaseRecord) {
  return {
    kind: 'enforcement-scheduled' as const,
    occasion: `enforcement-scheduled-${occasionStamp(record.enforcementAt ?? '')}`,
    caseRecord: record,
  };
}

/**
 * Every window has passed with no appeal: forced demolition is scheduled on the first working day, in
 * day-time hours (§43), and the enforcement team is given the enforcement window to record it.
 */
export const makeScheduleEnforcementHandler = defineTask(
  'schedule-enforcement',
  taskInputSchema,
  scheduleEnforcementOutput,
  (deps: TaskBaseDeps & MailDeps & DeadlineDeps, { execution }) =>
    withCase(deps, execution.caseId, async (record): Promise<ScheduleEnforcementOutput> => {
      if (isHalted(record)) return { next: 'halt' };
      const now = deps.clock.now();
      switch (record.status) {
        case 'ENFORCEMENT_DECIDED': {
          if (handedOver(record, execution)) return { next: 'halt' };
          // Never scheduled before the decision is served: its windows have not started.
          if (unservedDocument(record)) return awaitService(deps, record, 'enforcement-decision');
          const windows = recordedEnforcementWindows(record);
          if (!windows)
            throw new UnexpectedCaseStateError(`case ${record.id} is ENFORCEMENT_DECIDED without its windows`);
          if (!hasPassed(windows.at, now)) return { next: 'wait', wakeAt: engineTime(deps, windows.at) };
          const { slot, completeBy } = enforcementSchedule(deps.calendar, deps.policy, now);
          const { record: scheduled } = await commitStep(deps, record, 'schedule-enforcement', {
            execution,
            data: { slot, hours: deps.policy.enforcementHours, completeBy, window: deps.policy.enforcementWindow },
            patch: {
              enforcementAt: slot.at,
              deadlines: { ...record.deadlines, enforcement: completeBy },
              dueAt: completeBy.at,
            },
          });
          await sendMail(deps, scheduledMail(scheduled));
          return { next: 'await', engineTimeoutSeconds: engineSecondsUntil(deps, completeBy.at) };
        }
        case 'ENFORCEMENT_SCHEDULED': {
          const due = record.deadlines.enforcement;
          if (!due || !record.enforcementAt)
            throw new UnexpectedCaseStateError(`case ${record.id} is scheduled without a slot`);
          await sendMail(deps, scheduledMail(record));
          return { next: 'await', engineTimeoutSeconds: engineSecondsUntil(deps, due.at) };
        }
        case 'ENFORCED':
          if (record.enforcementAt) await sendMail(deps, scheduledMail(record));
          return { next: 'await', engineTimeoutSeconds: SELF_ANSWER_TIMEOUT_SECONDS };
        default:
          throw new UnexpectedCaseStateError(`case ${record.id} is ${record.status}: nothing to schedule`);
      }
    }),
);
