import type { AnyRoute } from '#api/routes/index';
import { needsOfRoute, ROUTES } from '#api/routes/index';
import type { LambdaNeeds } from '#shared/lambda-needs';
import type { TaskDeclaration } from '#tasks/declarations';
import { needsOfTask, taskEntry, taskName, TASKS } from '#tasks/declarations';
import type { ApiFunction, EnvGroup, FunctionSpec, Manifest, TaskFunction } from './manifest-types';

/**
 * The configuration an entry reads at cold start for what it needs: the policy and calendar where it
 * computes deadlines, the state machine where it takes workflow actions, the mail configuration (and the
 * console's address for links) where it sends mail, the cursor-key secret's ARN where it pages.
 */
function envOf(needs: LambdaNeeds): EnvGroup[] {
  return [
    ...(needs.deadlines ? (['deadlines'] as const) : []),
    ...(needs.workflow?.length ? (['stateMachine'] as const) : []),
    ...(needs.mail ? (['links', 'mail'] as const) : []),
    ...(needs.objects ? (['objects'] as const) : []),
    ...(needs.documents ? (['documents'] as const) : []),
    ...(needs.cursor ? (['cursorKey'] as const) : []),
    ...(needs.digests ? (['digests'] as const) : []),
  ];
}

/** A declaration's needs in the manifest's terms (its table access, grants and environment). */
function grantsOf(needs: LambdaNeeds) {
  return {
    table: needs.table,
    ...(needs.workflow?.length ? { workflow: needs.workflow } : {}),
    ...(needs.mail ? { sendsMail: true } : {}),
    ...(needs.clearsAttention ? { deletesItems: true } : {}),
    ...(needs.objects ? { objects: needs.objects } : {}),
    ...(needs.digests ? { digests: needs.digests } : {}),
    ...(needs.documents ? { rendersDocuments: true } : {}),
    env: envOf(needs),
  };
}

/** Headers whose schema refuses a missing value: API Gateway requires them before the function runs. */
function requiredHeadersOf(route: AnyRoute): string[] {
  const shape = (
    route.headers as unknown as { shape?: Record<string, { safeParse(value: unknown): { success: boolean } }> }
  ).shape;
  return Object.entries(shape ?? {})
    .filter(([, schema]) => !schema.safeParse(undefined).success)
    .map(([name]) => name);
}

/** One Lambda per route, everything it is and may do read from the route's declaration. */
function apiFunctionOf(route: AnyRoute): ApiFunction {
  const method = route.method.toUpperCase() as 'GET' | 'POST';
  const requiredHeaders = requiredHeadersOf(route);
  return {
    kind: 'api',
    id: route.operationId.charAt(0).toUpperCase() + route.operationId.slice(1),
    entry: `functions/api/handlers/${route.entry}.ts`,
    description: `${method} ${route.path}: ${route.summary}`,
    routes: [
      {
        method,
        path: route.path,
        ...(route.access.public ? { public: true } : {}),
        ...(requiredHeaders.length ? { requiredHeaders } : {}),
      },
    ],
    ...grantsOf(needsOfRoute(route)),
  };
}

/** One Lambda per declared task, filling the workflow substitution that names it. */
function taskFunctionOf(key: string, task: TaskDeclaration): TaskFunction {
  const { workflow, ...grants } = grantsOf(needsOfTask(task));
  return {
    kind: 'task',
    id: taskName(key),
    entry: taskEntry(key),
    description: task.description,
    substitution: key,
    ...grants,
    ...(workflow && task.uses.workflow ? { workflow: task.uses.workflow } : {}),
    ...(task.reservedConcurrency ? { reservedConcurrency: task.reservedConcurrency } : {}),
  };
}

/**
 * The functions that are neither a route nor a workflow task: each runs on a schedule or a topic, which
 * is what only the stack can say, so each is declared here, once.
 */
const OTHER_FUNCTIONS: readonly FunctionSpec[] = [
  {
    kind: 'mail',
    id: 'DeliverPendingMail',
    entry: 'functions/mail/deliver-pending.ts',
    description: 'Delivers the emails an outage or a stopped sender left pending in the outbox',
    table: 'read-write',
    sendsMail: true,
    // The documents an email carries are read from the object store when it is sent.
    objects: 'read',
    env: ['links', 'mail', 'objects'],
    // Retries back off from 10 s; a sweep every 2 minutes that ends within 100 s never overlaps the next.
    everyMinutes: 2,
    timeoutSeconds: 100,
  },
  {
    kind: 'scheduled',
    id: 'CheckWorkflows',
    entry: 'functions/checks/check-workflows.ts',
    description:
      'Keeps every open case moving: starts intakes a submission left unstarted, resumes or flags cases whose workflow stopped',
    table: 'read-write',
    workflow: ['StartExecution', 'DescribeExecution'],
    env: ['deadlines', 'stateMachine'],
    everyMinutes: 5,
    timeoutSeconds: 60,
  },
  {
    kind: 'scheduled',
    id: 'DailyDigest',
    entry: 'functions/digests/daily-digest.ts',
    description:
      'Anchors the history outside the table: a signed digest of the chain heads that changed since the last one, once a day',
    table: 'read',
    digests: 'sign',
    env: ['digests'],
    // Just after midnight UTC, for the day that ended; a retry finds the day's digest written and stops.
    dailyAtUtc: { hour: 0, minute: 15 },
    timeoutSeconds: 300,
  },
  {
    kind: 'subscriber',
    id: 'RecordMailEvents',
    entry: 'functions/mail/record-mail-events.ts',
    description: 'Records SES bounces and complaints on their cases and flags them',
    topic: 'mail-events',
    table: 'read-write',
  },
];

/**
 * Every Lambda of Rectify with what it serves and exactly what it may do: one per route of the route
 * table, one per declared workflow task, and the scheduled and subscribed ones above. A template test
 * fails when an entry file exists that is not listed here, or a listed one does not exist.
 */
export const MANIFEST: Manifest = {
  workflow: { id: 'CaseLifecycle', definition: 'workflows/case-lifecycle.asl.json', name: 'case-lifecycle' },
  functions: [
    ...(ROUTES as readonly AnyRoute[]).map(apiFunctionOf),
    ...Object.entries(TASKS).map(([key, task]) => taskFunctionOf(key, task)),
    ...OTHER_FUNCTIONS,
  ],
};
