import * as z from 'zod';
import type { CaseStatus } from '#domain/vocabulary';
import type { TaskBaseDeps } from '../task-kit';
import { defineTask, taskInputSchema, withCase } from '../task-kit';

/** Where a resumed workflow picks the case up: the state of the ASL that carries each status on. */
const RESUME_POINTS = ['intake', 'deadline', 'escalate', 'decide', 'windows', 'schedule', 'close', 'halt'] as const;
type ResumePoint = (typeof RESUME_POINTS)[number];

const findResumePointOutput = z.strictObject({ next: z.enum(RESUME_POINTS) });

const RESUME_POINT: Record<CaseStatus, ResumePoint> = {
  REPORTED: 'intake',
  PERSUASION: 'intake',
  NOTICE_ISSUED: 'deadline',
  AWAITING_INSPECTION: 'deadline',
  SELF_DEMOLISHED: 'close',
  ESCALATED: 'escalate',
  ENFORCEMENT_DECIDED: 'windows',
  ENFORCEMENT_SCHEDULED: 'schedule',
  ENFORCED: 'close',
  // The appeal authority holds the case; closed and dismissed cases need nothing.
  ON_HOLD: 'halt',
  CLOSED: 'halt',
  DISMISSED: 'halt',
};

/**
 * The first step of a resumed workflow: every step after it re-reads the case and is idempotent, so
 * entering the lifecycle at the state for the case's status carries it on as if it had never stopped.
 */
export const makeFindResumePointHandler = defineTask(
  'find-resume-point',
  taskInputSchema,
  findResumePointOutput,
  (deps: TaskBaseDeps, { execution }) =>
    withCase(deps, execution.caseId, async (record) => ({ next: RESUME_POINT[record.status] })),
);
