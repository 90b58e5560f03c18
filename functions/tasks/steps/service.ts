import * as z from 'zod';
import type { Deadline } from '#domain/deadlines';
import type { CaseRecord } from '#domain/schemas';
import type { EventType, ServedDocument } from '#domain/vocabulary';
import { hasPassed, serviceDue, serviceWindowEnd, unservedDocument } from '#app/procedure';
import type { PhaseInput } from '#workflow/engine';
import type { DeadlineDeps, MailDeps, TaskBaseDeps } from '../task-kit';
import { commitStep, engineSecondsUntil, eventsSince, historyOf, occasionStamp, sendMail } from '../task-kit';
import { SELF_ANSWER_TIMEOUT_SECONDS } from '#shared/time-limits';

/**
 * 送达 awaited. A document's periods run from its service (the notice deadline; the decision's 公告 period
 * and 复议/诉讼 windows), so the workflow counts none of them while the document is unserved: it waits for
 * the officer to record the service, one `serviceWindow` at a time, reminding the office and flagging the
 * case each time a window passes unserved, and stops waiting after `serviceOverdueRounds` reminders.
 */

/** What a check step returns to send the workflow to wait for the service of `document`. */
export function awaitService(
  deps: DeadlineDeps & Pick<TaskBaseDeps, 'clock'>,
  record: CaseRecord,
  document: ServedDocument,
): { next: 'serve'; engineTimeoutSeconds: number } {
  const due = serviceDue(deps.calendar, deps.policy, record, document);
  return { next: 'serve', engineTimeoutSeconds: engineSecondsUntil(deps, due.at) };
}

/** The event each document's issue is recorded with: service rounds count from it. */
const ISSUED_EVENT: Record<ServedDocument, EventType> = {
  notice: 'NOTICE_ISSUED',
  'enforcement-decision': 'ENFORCEMENT_DECIDED',
};

const serviceOverdueData = z.object({
  document: z.string(),
  round: z.number().int(),
  missedDeadline: z.object({ at: z.string(), date: z.string() }),
  workflowStopped: z.boolean().optional(),
});

export type ServiceOverdueOutput =
  { next: 'await'; engineTimeoutSeconds: number } | { next: 'stop' } | { next: 'halt' };

function serviceOverdueMail(record: CaseRecord, document: ServedDocument, round: number, missed: Pick<Deadline, 'at'>) {
  return {
    kind: 'service-overdue' as const,
    occasion: `service-overdue-${document}-${occasionStamp(missed.at)}-${round}`,
    caseRecord: record,
    facts: { serviceDocument: document, serviceDueAt: missed.at },
  };
}

/**
 * The service window passed. If the service was recorded meanwhile (or the case moved on), the callback
 * re-opens and completes at once. Otherwise the missed window is recorded (SERVICE_OVERDUE), the office is
 * reminded by email, the case is flagged for attention, and the service is awaited one more window; after
 * `serviceOverdueRounds` reminders the workflow stops waiting, leaving the case flagged. An officer's
 * service record then resumes it.
 */
export async function recordServiceOverdue(
  deps: TaskBaseDeps & MailDeps & DeadlineDeps,
  execution: PhaseInput,
  record: CaseRecord,
): Promise<ServiceOverdueOutput> {
  const document = unservedDocument(record);
  if (!document) return { next: 'await', engineTimeoutSeconds: SELF_ANSWER_TIMEOUT_SECONDS };
  const now = deps.clock.now();
  const due = serviceDue(deps.calendar, deps.policy, record, document);
  const events = await historyOf(deps, record.id);
  // A resumed workflow waits afresh: the rounds it stopped after belong to the run before.
  const rounds = eventsSince(events, ISSUED_EVENT[document], 'WORKFLOW_RESUMED').filter(
    (e) => e.type === 'SERVICE_OVERDUE',
  );
  const last = rounds.length ? serviceOverdueData.parse(rounds[rounds.length - 1]?.data) : undefined;
  if (last?.workflowStopped) return { next: 'stop' };
  if (!hasPassed(due.at, now)) {
    // Woken early, or this round was recorded by an earlier attempt: make sure its email went out.
    if (last) await sendMail(deps, serviceOverdueMail(record, document, last.round, last.missedDeadline));
    return { next: 'await', engineTimeoutSeconds: engineSecondsUntil(deps, due.at) };
  }
  const round = rounds.length + 1;
  const allowed = deps.policy.serviceOverdueRounds;
  const stopping = round > allowed;
  const next = stopping ? undefined : serviceWindowEnd(deps.calendar, deps.policy, new Date(due.at));
  const reason = stopping
    ? `${document} not served after ${allowed} reminder(s); the workflow stopped waiting for its service`
    : `${document} not served: its service was due ${due.date} (reminder ${round})`;
  const at = now.toISOString();
  const { record: marked } = await commitStep(deps, record, 'mark-service-overdue', {
    execution,
    outcome: document,
    data: {
      document,
      round,
      missedDeadline: due,
      ...(next ? { nextDeadline: next } : { workflowStopped: true }),
      flagged: true,
    },
    patch: {
      pendingCallback: undefined,
      ...(next ? { deadlines: { ...record.deadlines, service: next }, dueAt: next.at } : {}),
      attention: { reason, at, unserved: document },
    },
    options: { attention: { reason, at } },
  });
  await sendMail(deps, serviceOverdueMail(marked, document, round, due));
  return next ? { next: 'await', engineTimeoutSeconds: engineSecondsUntil(deps, next.at) } : { next: 'stop' };
}
