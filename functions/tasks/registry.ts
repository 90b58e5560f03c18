import type { TaskKey } from './declarations';
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

export interface TaskFunction {
  make: (deps: TaskDeps) => TaskHandler;
}

/**
 * The step each declared task runs (declarations.ts), for the local engine, which runs `make(deps)`
 * in-process. Its type names every declared task, so one cannot be left out.
 */
export const TASK_FUNCTIONS: { readonly [K in TaskKey]: TaskFunction } = {
  IssueNoticeFunctionArn: { make: makeIssueNoticeHandler },
  SendReminderFunctionArn: { make: makeSendReminderHandler },
  CheckDeadlineFunctionArn: { make: makeCheckDeadlineHandler },
  OpenCallbackFunctionArn: { make: makeOpenCallbackHandler },
  RecordOverdueFunctionArn: { make: makeRecordOverdueHandler },
  EscalateFunctionArn: { make: makeEscalateHandler },
  DecideEnforcementFunctionArn: { make: makeDecideEnforcementHandler },
  CheckWindowsFunctionArn: { make: makeCheckWindowsHandler },
  ScheduleEnforcementFunctionArn: { make: makeScheduleEnforcementHandler },
  CloseCaseFunctionArn: { make: makeCloseCaseHandler },
  FindResumePointFunctionArn: { make: makeFindResumePointHandler },
  RecordFailureFunctionArn: { make: makeRecordFailureHandler },
};

export type TaskFunctionKey = TaskKey;
