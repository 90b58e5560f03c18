import * as z from 'zod';
import { formatNoticeNumber } from '#domain/case-history';
import type { Period } from '#domain/policy';
import { noticePeriodFor } from '#domain/policy';
import type { CaseEvent, CaseRecord } from '#domain/schemas';
import { isoDateTime } from '#domain/schemas';
import { shanghaiDateOf } from '#domain/shanghai-time';
import {
  hasPassed,
  inspectionDeadline,
  noticeDeadline,
  persuasionDeadline,
  reminderFor,
  unservedDocument,
} from '#app/procedure';
import type { PhaseInput } from '#workflow/engine';
import type { IssuedDocument } from '#domain/documents';
import type { DeadlineDeps, DocumentDeps, MailDeps, TaskBaseDeps } from '../task-kit';
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
  sendMail,
  taskInputSchema,
  wakeNow,
  withCase,
} from '../task-kit';
import { SELF_ANSWER_TIMEOUT_SECONDS } from '#shared/time-limits';
import { awaitService } from './service';

const engineSeconds = z.number().int().min(1);

// ---------------------------------------------------------------------------------------------------
// Start persuasion or issue the rectification notice
// ---------------------------------------------------------------------------------------------------

const issueNoticeOutput = z.discriminatedUnion('next', [
  z.strictObject({ next: z.literal('persuade'), engineTimeoutSeconds: engineSeconds }),
  z.strictObject({ next: z.literal('serve'), engineTimeoutSeconds: engineSeconds }),
  z.strictObject({ next: z.literal('remind'), wakeAt: isoDateTime }),
  z.strictObject({ next: z.literal('close') }),
  z.strictObject({ next: z.literal('halt') }),
]);
type IssueNoticeOutput = z.infer<typeof issueNoticeOutput>;

/** An inspection result the community or an officer recorded since persuasion started. */
function persuasionAnswered(events: readonly CaseEvent[]): boolean {
  return eventsSince(events, 'PERSUASION_STARTED').some((e) => e.type === 'INSPECTION_RECORDED');
}

async function deliverNoticeMails(
  deps: MailDeps & Pick<TaskBaseDeps, 'logger'>,
  record: CaseRecord,
  reminderAt: string,
  period: Period,
  documents: readonly IssuedDocument[],
): Promise<void> {
  const notice = record.notice;
  if (!notice) throw new UnexpectedCaseStateError(`case ${record.id} is ${record.status} without a notice`);
  const occasion = `notice-${notice.number}`;
  const attachments = documentAttachments(documents);
  // Sent before the notice is served: they state its period, which runs from service.
  const noticePeriod = { noticePeriodAmount: period.amount, noticePeriodUnit: period.unit };
  await sendMail(deps, {
    kind: 'notice-copy',
    occasion,
    caseRecord: record,
    facts: { reminderAt, ...noticePeriod },
    ...attachments,
  });
  if (record.responsibleParty.email)
    await sendMail(deps, {
      kind: 'notice-to-party',
      occasion,
      caseRecord: record,
      facts: noticePeriod,
      ...attachments,
    });
}

async function issueNotice(
  deps: TaskBaseDeps & MailDeps & DeadlineDeps & DocumentDeps,
  record: CaseRecord,
  execution: PhaseInput,
  now: Date,
): Promise<IssueNoticeOutput> {
  const year = Number(shanghaiDateOf(now).slice(0, 4));
  // The number is taken in the same transaction as the NOTICE_ISSUED event: no gaps, no duplicates.
  const taken = await deps.store.noticeCounter(year);
  const number = formatNoticeNumber(year, taken + 1);
  const { period, deadline } = noticeDeadline(deps.calendar, deps.policy, record, now);
  const reminder = reminderFor(deps.calendar, deps.policy, deadline, now);
  // The notice PDF states the issue time: it is the event's, fixed here.
  const {
    record: issued,
    documents,
    storeDocuments,
  } = await commitWithDocuments(deps, record, 'issue-notice', {
    execution,
    at: now,
    data: {
      noticeNumber: number,
      category: record.category,
      severity: record.severity,
      period,
      deadline,
      reminderAt: reminder.at,
    },
    patch: {
      // Issued, not yet served: the deadline is counted again from the service date when it is recorded.
      notice: { number, issuedAt: now.toISOString(), deadline, extensionCount: 0, extendedDays: 0 },
      deadlines: { ...record.deadlines, notice: deadline },
      dueAt: deadline.at,
    },
    options: { noticeCounter: { year, expected: taken } },
  });
  await storeDocuments();
  await deliverNoticeMails(deps, issued, reminder.at, period, documents);
  // Issued unserved: its deadline runs only once the service is recorded.
  return awaitService(deps, issued, 'notice');
}

/**
 * Resident-built cases are first urged to demolish their own construction (督促自行拆除); every other
 * case — and a resident who refused, or let the persuasion period pass — gets the numbered 限期拆除通知书.
 * The step decides from the stored case, so it is also where persuasion resumes after its callback.
 */
export const makeIssueNoticeHandler = defineTask(
  'issue-notice',
  taskInputSchema,
  issueNoticeOutput,
  (deps: TaskBaseDeps & MailDeps & DeadlineDeps & DocumentDeps, { execution }) =>
    withCase(deps, execution.caseId, async (record): Promise<IssueNoticeOutput> => {
      if (isHalted(record)) return { next: 'halt' };
      const now = deps.clock.now();
      switch (record.status) {
        case 'REPORTED': {
          if (record.category !== 'resident-built') return issueNotice(deps, record, execution, now);
          const deadline = persuasionDeadline(deps.calendar, deps.policy, now);
          await commitStep(deps, record, 'start-persuasion', {
            execution,
            data: { period: deps.policy.persuasion, deadline },
            patch: { deadlines: { ...record.deadlines, persuasion: deadline }, dueAt: deadline.at },
          });
          return { next: 'persuade', engineTimeoutSeconds: engineSecondsUntil(deps, deadline.at) };
        }
        case 'PERSUASION': {
          const deadline = record.deadlines.persuasion;
          if (!deadline)
            throw new UnexpectedCaseStateError(`case ${record.id} is in persuasion without a persuasion deadline`);
          const events = await historyOf(deps, record.id);
          if (persuasionAnswered(events)) return issueNotice(deps, record, execution, now);
          if (!hasPassed(deadline.at, now))
            return { next: 'persuade', engineTimeoutSeconds: engineSecondsUntil(deps, deadline.at) };
          const alreadyExpired = eventsSince(events, 'PERSUASION_STARTED').some((e) => e.type === 'PERSUASION_EXPIRED');
          const expired = alreadyExpired
            ? record
            : (await commitStep(deps, record, 'expire-persuasion', { execution, data: { deadline } })).record;
          return issueNotice(deps, expired, execution, now);
        }
        case 'SELF_DEMOLISHED':
          return { next: 'close' };
        default: {
          // The notice was issued by an earlier run of this step.
          const deadline = record.notice?.deadline;
          if (!deadline) throw new UnexpectedCaseStateError(`case ${record.id} is ${record.status} without a notice`);
          // Asked for again: the outbox does not send an email it has sent. The notice is stored if the
          // earlier run stopped before storing it.
          const documents = await storedDocuments(deps, record, 'NOTICE_ISSUED');
          const reminder = reminderFor(deps.calendar, deps.policy, deadline, now);
          const period = noticePeriodFor(deps.policy, record.category, record.severity);
          await deliverNoticeMails(deps, record, reminder.at, period, documents);
          if (unservedDocument(record)) return awaitService(deps, record, 'notice');
          return { next: 'remind', wakeAt: engineTime(deps, reminder.at) };
        }
      }
    }),
);

// ---------------------------------------------------------------------------------------------------
// Send the reminder
// ---------------------------------------------------------------------------------------------------

const sendReminderOutput = z.strictObject({ wakeAt: isoDateTime });

function remindedOf(events: readonly CaseEvent[], deadlineDate: string): boolean {
  return events.some((e) => e.type === 'REMINDER_SENT' && e.data.deadlineDate === deadlineDate);
}

/** One reminder per deadline: an extended deadline is reminded of again. */
export const makeSendReminderHandler = defineTask(
  'send-reminder',
  taskInputSchema,
  sendReminderOutput,
  (deps: TaskBaseDeps & MailDeps & DeadlineDeps, { execution }) =>
    withCase(deps, execution.caseId, async (record) => {
      const now = deps.clock.now();
      const deadline = record.notice?.deadline;
      // Nothing to remind of (a notice not yet served has no running deadline): the deadline check that
      // follows the Wait decides what comes next.
      if (isHalted(record) || !deadline || unservedDocument(record)) return { wakeAt: wakeNow(deps) };
      const waiting = record.status === 'NOTICE_ISSUED';
      const reminderMail = (caseRecord: CaseRecord) =>
        sendMail(deps, { kind: 'reminder', occasion: `reminder-${deadline.date}`, caseRecord });
      if (remindedOf(await historyOf(deps, record.id), deadline.date)) {
        // Reminded by an earlier run of the phase: ask again, the outbox does not send it twice.
        await reminderMail(record);
        return { wakeAt: waiting ? engineTime(deps, deadline.at) : wakeNow(deps) };
      }
      if (!waiting) return { wakeAt: wakeNow(deps) };
      if (hasPassed(deadline.at, now)) return { wakeAt: engineTime(deps, deadline.at) };
      const reminder = reminderFor(deps.calendar, deps.policy, deadline, now);
      // Woken before the reminder is due: wait on; the deadline check sends the case back here.
      if (!hasPassed(reminder.at, now)) return { wakeAt: engineTime(deps, reminder.at) };
      const { record: reminded } = await commitStep(deps, record, 'send-reminder', {
        execution,
        data: { deadlineDate: deadline.date, deadline },
      });
      await reminderMail(reminded);
      return { wakeAt: engineTime(deps, deadline.at) };
    }),
);

// ---------------------------------------------------------------------------------------------------
// Check whether the deadline was extended
// ---------------------------------------------------------------------------------------------------

const checkDeadlineOutput = z.discriminatedUnion('next', [
  z.strictObject({ next: z.literal('serve'), engineTimeoutSeconds: engineSeconds }),
  z.strictObject({ next: z.literal('remind'), wakeAt: isoDateTime }),
  z.strictObject({ next: z.literal('wait'), wakeAt: isoDateTime }),
  z.strictObject({ next: z.literal('inspect'), engineTimeoutSeconds: engineSeconds }),
  z.strictObject({ next: z.literal('halt') }),
]);
type CheckDeadlineOutput = z.infer<typeof checkDeadlineOutput>;

/**
 * Runs when the deadline Wait wakes and whenever an answer needs the case re-read. A notice not yet
 * served has no running deadline: the workflow waits for its service. An officer may have moved the
 * deadline while the workflow waited: then the workflow reminds of the new one and waits again. Once the
 * deadline has passed, the inspection is due.
 */
export const makeCheckDeadlineHandler = defineTask(
  'check-deadline',
  taskInputSchema,
  checkDeadlineOutput,
  (deps: TaskBaseDeps & DeadlineDeps, { execution }) =>
    withCase(deps, execution.caseId, async (record): Promise<CheckDeadlineOutput> => {
      if (isHalted(record)) return { next: 'halt' };
      const now = deps.clock.now();
      switch (record.status) {
        case 'NOTICE_ISSUED': {
          const deadline = record.notice?.deadline;
          if (!deadline) throw new UnexpectedCaseStateError(`case ${record.id} is NOTICE_ISSUED without a notice`);
          if (unservedDocument(record)) return awaitService(deps, record, 'notice');
          if (!hasPassed(deadline.at, now)) {
            const events = await historyOf(deps, record.id);
            if (!remindedOf(events, deadline.date)) {
              return {
                next: 'remind',
                wakeAt: engineTime(deps, reminderFor(deps.calendar, deps.policy, deadline, now).at),
              };
            }
            return { next: 'wait', wakeAt: engineTime(deps, deadline.at) };
          }
          return {
            next: 'inspect',
            engineTimeoutSeconds: engineSecondsUntil(deps, inspectionDeadline(deps.calendar, deps.policy, deadline).at),
          };
        }
        case 'AWAITING_INSPECTION': {
          const due = record.deadlines.inspection;
          if (!due)
            throw new UnexpectedCaseStateError(`case ${record.id} awaits inspection without an inspection deadline`);
          return { next: 'inspect', engineTimeoutSeconds: engineSecondsUntil(deps, due.at) };
        }
        case 'REPORTED':
        case 'PERSUASION':
          throw new UnexpectedCaseStateError(`case ${record.id} is ${record.status}: no notice deadline to check`);
        default:
          // The inspection result is already recorded: the callback completes at once with it.
          return { next: 'inspect', engineTimeoutSeconds: SELF_ANSWER_TIMEOUT_SECONDS };
      }
    }),
);
