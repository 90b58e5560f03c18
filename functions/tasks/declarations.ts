import type { LambdaNeeds, ObjectAccess } from '#shared/lambda-needs';
import { CONTENDED_TASK_CONCURRENCY } from '#shared/time-limits';

/**
 * What a task function needs beyond reading and writing the case table. A task
 * may chain the next phase (`StartExecution`) and the step that opens a callback may answer its own token
 * when the person's answer is already recorded (`SendTaskSuccess`); failing callbacks and stopping
 * executions belong to the API.
 */
interface TaskUses {
  workflow?: readonly ('StartExecution' | 'SendTaskSuccess')[];
  mail?: true;
  /** Computes deadlines: the district's policy and calendar. */
  deadlines?: true;
  clearsAttention?: true;
  /** The task only reads the case table. */
  table?: 'read';
  /**
   * The object store: documents are written there, emails read their attachments from it, and a case that
   * closes tags its files there (`archive`).
   */
  objects?: ObjectAccess;
  /** Renders the documents it issues: the issuing offices (ISSUING_OFFICES_JSON) and the font in its bundle. */
  documents?: true;
}

export interface TaskDeclaration {
  /** What the task does; also the description of its Lambda. */
  description: string;
  uses: TaskUses;
  /**
   * Reserved concurrency: at most this many invocations at once, for a task whose invocations contend
   * for one item (more would only collide and back off until their attempts run out).
   */
  reservedConcurrency?: number;
}

/**
 * Every task function of the case lifecycle, by the definition substitution that names it in
 * `workflows/case-lifecycle.asl.json` (`<Name>FunctionArn`), declared once: the stack makes one Lambda
 * per task from `functions/tasks/<name>.ts` with the role and environment its `uses` declares and fills
 * the substitution with its ARN; its entry builds exactly those dependencies (the type of `taskLambda`
 * holds the two together); the local engine runs the same steps in-process (registry.ts).
 */
export const TASKS = {
  IssueNoticeFunctionArn: {
    description: 'Starts persuasion or issues the rectification notice',
    uses: { mail: true, deadlines: true, objects: 'read-write', documents: true },
    // Every notice takes the next number of one counter item: as many at once as the local engine runs.
    reservedConcurrency: CONTENDED_TASK_CONCURRENCY,
  },
  SendReminderFunctionArn: {
    description: 'Sends the reminder before the notice deadline',
    uses: { mail: true, deadlines: true },
  },
  CheckDeadlineFunctionArn: {
    description: 'Checks that the notice was served, and whether its deadline was extended or has passed',
    uses: { deadlines: true },
  },
  OpenCallbackFunctionArn: {
    description: 'Opens a step that waits for a person (persuasion result, service, inspection, forced demolition)',
    uses: { workflow: ['SendTaskSuccess'], deadlines: true },
  },
  RecordOverdueFunctionArn: {
    description: 'Records an overdue service, inspection or demolition and emails the office',
    uses: { mail: true, deadlines: true },
  },
  EscalateFunctionArn: {
    description: 'Escalates to the sub-district office and serves the demand notice (催告书)',
    uses: { mail: true, deadlines: true, objects: 'read-write', documents: true },
  },
  DecideEnforcementFunctionArn: {
    description: 'Decides on enforcement, announces it and starts the enforcement phase',
    uses: { mail: true, workflow: ['StartExecution'], deadlines: true, objects: 'read-write', documents: true },
  },
  CheckWindowsFunctionArn: {
    description: 'Checks that the enforcement decision was served, and the announcement and appeal windows',
    uses: { deadlines: true },
  },
  ScheduleEnforcementFunctionArn: {
    description: 'Schedules the forced demolition on a working day',
    uses: { mail: true, deadlines: true },
  },
  CloseCaseFunctionArn: {
    description: 'Closes a self-demolished or enforced case',
    // Closing clears the case's attention flag; after a self-demolition it tells the office (case-closed);
    // it tags the case's files for the cheaper storage class.
    uses: { clearsAttention: true, mail: true, objects: 'archive' },
  },
  FindResumePointFunctionArn: {
    description: 'Finds where a resumed workflow picks the case up from its status',
    uses: { table: 'read' },
  },
  RecordFailureFunctionArn: {
    description: 'Records a failed workflow step, flags the case and sends the failure alert',
    uses: { mail: true },
  },
} as const satisfies Record<`${string}FunctionArn`, TaskDeclaration>;

export type TaskKey = keyof typeof TASKS;

/** `IssueNoticeFunctionArn` → `IssueNotice`: the task's function (and construct) name. */
export function taskName(key: string): string {
  return key.replace(/FunctionArn$/, '');
}

/** `IssueNoticeFunctionArn` → `functions/tasks/issue-notice.ts`. */
export function taskEntry(key: string): string {
  const kebab = taskName(key).replace(/[A-Z]/g, (letter, at: number) => `${at ? '-' : ''}${letter.toLowerCase()}`);
  return `functions/tasks/${kebab}.ts`;
}

/** Everything a task's function needs: every task reads the case; all but one write it. */
export function needsOfTask(task: TaskDeclaration): LambdaNeeds {
  const { table, ...uses } = task.uses;
  return { ...uses, table: table ?? 'read-write' };
}
