import type { WorkingCalendar } from '#domain/calendar';
import type { Deadline } from '#domain/deadlines';
import { deadlineAfter } from '#domain/deadlines';
import type { Policy } from '#domain/policy';
import type { CaseRecord } from '#domain/schemas';
import type { ExecutionStatus, PhaseInput, WorkflowEngine } from '#workflow/engine';
import { executionName } from '#workflow/engine';
import { callEngine } from './dependency-errors';
import { serviceDue, serviceWindowEnd, unservedDocument } from './procedure';

/**
 * A workflow that stopped — it failed, was stopped, timed out, or gave up waiting for a person — starts
 * again as a `resume` execution that reads the case and carries it on from its status. Each resume has
 * its own execution name (`<case>--resume--<n>`, n kept on the case), because Step Functions keeps an
 * ended execution's name for 90 days and a redrive would only resume at the `Fail` state.
 */
export interface ResumePlan {
  execution: PhaseInput;
  name: string;
  /** What the event that records the resume says. */
  data: Record<string, unknown>;
  patch: Partial<CaseRecord>;
}

/** The person's step whose window a resume opens again when it has run out (and the service of a document). */
const RENEWED_WINDOW = {
  AWAITING_INSPECTION: { deadline: 'inspection', period: 'inspectionWindow' },
  ENFORCEMENT_SCHEDULED: { deadline: 'enforcement', period: 'enforcementWindow' },
} as const;

/**
 * The next resume of a case. With `renew`, a person's step whose window has run out gets a new window
 * from now, so the resumed workflow waits for it again instead of finding it overdue at once.
 */
export function resumePlan(
  record: CaseRecord,
  now: Date,
  options: { reason: string; renew?: { calendar: WorkingCalendar; policy: Policy } },
): ResumePlan {
  const round = (record.resumeRound ?? 0) + 1;
  const execution: PhaseInput = { caseId: record.id, phase: 'resume', round };
  const name = executionName(execution);
  let renewed: Deadline | undefined;
  const patch: Partial<CaseRecord> = {
    execution: name,
    resumeRound: round,
    attention: undefined,
    pendingCallback: undefined,
  };
  const window =
    record.status === 'AWAITING_INSPECTION' || record.status === 'ENFORCEMENT_SCHEDULED'
      ? RENEWED_WINDOW[record.status]
      : undefined;
  const running = window ? record.deadlines[window.deadline] : undefined;
  if (options.renew && window && (!running || Date.parse(running.at) <= now.getTime())) {
    renewed = deadlineAfter(options.renew.calendar, now, options.renew.policy[window.period]);
    patch.deadlines = { ...record.deadlines, [window.deadline]: renewed };
    patch.dueAt = renewed.at;
  }
  // A document still unserved: the resumed workflow waits one more service window for it.
  const unserved = unservedDocument(record);
  if (options.renew && unserved) {
    const { calendar, policy } = options.renew;
    if (Date.parse(serviceDue(calendar, policy, record, unserved).at) <= now.getTime()) {
      renewed = serviceWindowEnd(calendar, policy, now);
      patch.deadlines = { ...record.deadlines, service: renewed };
      patch.dueAt = renewed.at;
    }
  }
  return {
    execution,
    name,
    data: {
      execution: name,
      reason: options.reason,
      ...(record.execution ? { previousExecution: record.execution } : {}),
      ...(renewed ? { renewedDeadline: renewed } : {}),
    },
    patch,
  };
}

/** The resume execution a case was last given, if it was ever resumed. */
export function resumedExecution(record: Pick<CaseRecord, 'id' | 'resumeRound'>): PhaseInput | undefined {
  return record.resumeRound === undefined
    ? undefined
    : { caseId: record.id, phase: 'resume', round: record.resumeRound };
}

/** The status of the execution carrying the case now (undefined: none was ever started under that name). */
export function carryingExecutionStatus(
  engine: WorkflowEngine,
  record: Pick<CaseRecord, 'execution'>,
): Promise<ExecutionStatus | undefined> {
  const name = record.execution;
  if (!name) return Promise.resolve(undefined);
  return callEngine('look up the workflow execution', () => engine.executionStatus(name));
}
