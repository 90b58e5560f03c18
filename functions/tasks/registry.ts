import type { TaskDeps, TaskHandler } from './task-kit';
import { makeCloseCaseHandler, makeRecordFailureHandler } from './steps/closing';
import { makeOpenCallbackHandler, makeRecordOverdueHandler } from './steps/callbacks';
import {
  makeCheckWindowsHandler,
  makeDecideEnforcementHandler,
  makeEscalateHandler,
  makeScheduleEnforcementHandler,
} from './steps/enforcement';
import { makeCheckDeadlineHandler, makeIssueNoticeHandler, makeSendReminderHandler } from './steps/intake';
import { makeFindResumePointHandler } from './steps/resume';

/**
 * What a task function needs beyond reading and writing the case table: sending email (through the
 * outbox: the table and SES), starting the next phase's execution, answering its own callback.
 */
export type TaskPermission = 'send-mail' | 'start-execution' | 'send-task-success';

export interface TaskFunction {
  /** The Lambda entry file (exports `handler`). */
  entry: string;
  make: (deps: TaskDeps) => TaskHandler;
  permissions: readonly TaskPermission[];
}

/**
 * Every task function of the case lifecycle, by the definition substitution that names it in
 * `workflows/case-lifecycle.asl.json`. CDK fills each substitution with the function's ARN; the local
 * engine runs `make(deps)` in-process.
 */
export const TASK_FUNCTIONS = {
  IssueNoticeFunctionArn: {
    entry: 'functions/tasks/issue-notice.ts',
    make: makeIssueNoticeHandler,
    permissions: ['send-mail'],
  },
  SendReminderFunctionArn: {
    entry: 'functions/tasks/send-reminder.ts',
    make: makeSendReminderHandler,
    permissions: ['send-mail'],
  },
  CheckDeadlineFunctionArn: {
    entry: 'functions/tasks/check-deadline.ts',
    make: makeCheckDeadlineHandler,
    permissions: [],
  },
  OpenCallbackFunctionArn: {
    entry: 'functions/tasks/open-callback.ts',
    make: makeOpenCallbackHandler,
    permissions: ['send-task-success'],
  },
  RecordOverdueFunctionArn: {
    entry: 'functions/tasks/record-overdue.ts',
    make: makeRecordOverdueHandler,
    permissions: ['send-mail'],
  },
  EscalateFunctionArn: { entry: 'functions/tasks/escalate.ts', make: makeEscalateHandler, permissions: ['send-mail'] },
  DecideEnforcementFunctionArn: {
    entry: 'functions/tasks/decide-enforcement.ts',
    make: makeDecideEnforcementHandler,
    permissions: ['send-mail', 'start-execution'],
  },
  CheckWindowsFunctionArn: {
    entry: 'functions/tasks/check-windows.ts',
    make: makeCheckWindowsHandler,
    permissions: [],
  },
  ScheduleEnforcementFunctionArn: {
    entry: 'functions/tasks/schedule-enforcement.ts',
    make: makeScheduleEnforcementHandler,
    permissions: ['send-mail'],
  },
  CloseCaseFunctionArn: { entry: 'functions/tasks/close-case.ts', make: makeCloseCaseHandler, permissions: [] },
  FindResumePointFunctionArn: {
    entry: 'functions/tasks/find-resume-point.ts',
    make: makeFindResumePointHandler,
    permissions: [],
  },
  RecordFailureFunctionArn: {
    entry: 'functions/tasks/record-failure.ts',
    make: makeRecordFailureHandler,
    permissions: ['send-mail'],
  },
} as const satisfies Record<string, TaskFunction>;

export type TaskFunctionKey = keyof typeof TASK_FUNCTIONS;
