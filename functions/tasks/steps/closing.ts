import * as z from 'zod';
import type { CaseRecord } from '#domain/schemas';
import { executionName } from '#workflow/engine';
import { archiveClosedCaseFiles } from '#app/closed-case-files';
import type { ArchiveDeps, MailDeps, TaskBaseDeps } from '../task-kit';
import { commitStep, defineTask, historyOf, sendMail, taskInputSchema, withCase } from '../task-kit';
import { describeFailure } from './failure-cause';

// ---------------------------------------------------------------------------------------------------
// Close the case
// ---------------------------------------------------------------------------------------------------

const closeCaseOutput = z.strictObject({ closed: z.boolean() });

/**
 * The office, told of the notice, hears that the structure is gone. Only after self-demolition: a forced
 * demolition was already reported to it when the enforcement team recorded it (enforcement-completed).
 */
async function closedMail(deps: MailDeps & Pick<TaskBaseDeps, 'logger'>, record: CaseRecord): Promise<void> {
  if (record.status !== 'CLOSED' || !record.notice || record.milestones.ENFORCED !== undefined) return;
  await sendMail(deps, { kind: 'case-closed', occasion: 'case-closed', caseRecord: record });
}

/**
 * Self-demolished or enforced: the case is closed, and its files are tagged for the cheaper storage class.
 * Any other status is left as it is.
 */
export const makeCloseCaseHandler = defineTask(
  'close-case',
  taskInputSchema,
  closeCaseOutput,
  (deps: TaskBaseDeps & MailDeps & ArchiveDeps, { execution }) =>
    withCase(deps, execution.caseId, async (record) => {
      if (record.status === 'CLOSED') {
        // Closed by an earlier run that may have stopped before the email or the tags: ask again, the
        // email is sent once and a tag set twice is the same tag.
        await closedMail(deps, record);
        await archiveClosedCaseFiles(deps.caseFiles, record.id, deps.logger);
        return { closed: true };
      }
      if (record.status !== 'SELF_DEMOLISHED' && record.status !== 'ENFORCED') return { closed: false };
      const now = deps.clock.now().toISOString();
      const { record: closed } = await commitStep(deps, record, 'close', {
        execution,
        data: {
          outcome: record.status === 'ENFORCED' ? 'enforced' : 'self-demolished',
          areaRemovedM2: record.areaRemovedM2,
        },
        patch: { closedAt: now, dueAt: undefined, pendingCallback: undefined, attention: undefined },
      });
      if (record.attention) await deps.store.clearAttention(record.id);
      await closedMail(deps, closed);
      await archiveClosedCaseFiles(deps.caseFiles, record.id, deps.logger);
      return { closed: true };
    }),
);

// ---------------------------------------------------------------------------------------------------
// Record the failure
// ---------------------------------------------------------------------------------------------------

/** The execution, and what Step Functions put at the Catch's ResultPath. */
const recordFailureInput = taskInputSchema.extend({
  failure: z.object({ Error: z.string().min(1).max(256), Cause: z.string().optional() }),
});

const recordFailureOutput = z.strictObject({ recorded: z.boolean() });

/**
 * A step failed after its retries: the case gets a TASK_FAILED event, is flagged for attention, and the
 * sub-district office gets a workflow-failure email. Recording the same failure of the same execution
 * twice (a retried recording) adds nothing.
 */
export const makeRecordFailureHandler = defineTask(
  'record-failure',
  recordFailureInput,
  recordFailureOutput,
  (deps: TaskBaseDeps & MailDeps, { execution, failure }) =>
    withCase(deps, execution.caseId, async (record) => {
      const running = executionName(execution);
      // The record and the email get the error and its message; the full cause (a stack trace in AWS) is logged.
      const cause = describeFailure(failure).message;
      deps.logger?.warn('workflow step failed', {
        caseId: record.id,
        execution: running,
        error: failure.Error,
        cause: failure.Cause,
      });
      const now = deps.clock.now().toISOString();
      const reason = `workflow step failed: ${failure.Error}`;
      const events = await historyOf(deps, record.id);
      const last = events[events.length - 1];
      const alreadyRecorded =
        last?.type === 'TASK_FAILED' && last.data.execution === running && last.data.error === failure.Error;
      const current = alreadyRecorded
        ? record
        : (
            await commitStep(deps, record, 'record-task-failure', {
              execution,
              data: { error: failure.Error, cause },
              // A failed step is a person's step now (fix the cause, resume): due at once, so it shows as overdue.
              patch: { attention: { reason, at: now }, ...(record.dueAt ? {} : { dueAt: now }) },
              carriedBy: record.execution,
            })
          ).record;
      await deps.store.flagForAttention(record.id, reason, now);
      await sendMail(deps, {
        kind: 'workflow-failure',
        occasion: `failure-${running}`,
        caseRecord: current,
        facts: { step: `${running}: ${failure.Error}`, cause },
      });
      return { recorded: !alreadyRecorded };
    }),
);
