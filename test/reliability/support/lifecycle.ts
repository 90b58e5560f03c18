import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PolicyOverrides } from '#domain/policy';
import { shanghaiDateOf } from '#domain/shanghai-time';
import type { CaseStatus } from '#domain/vocabulary';
import type { Client, HttpAnswer } from '#test/api/support/harness';
import { seedSubmission } from '#test/fixtures/submissions';
import { mapLimited } from '#shared/concurrency';

/**
 * Drives many cases through their whole lifecycle over the HTTP API, as the people in it would: a
 * reporter submits each case, then rounds of one area listing find the cases waiting for a person and
 * the officer or enforcer answers them. Every case follows one of four paths and must end in its
 * expected terminal status with a history that verifies.
 */

export const LIFECYCLE_PATHS = ['self-demolition', 'persuasion', 'enforcement', 'dismissal'] as const;
export type LifecyclePath = (typeof LIFECYCLE_PATHS)[number];

export const EXPECTED_END: Record<LifecyclePath, CaseStatus> = {
  'self-demolition': 'CLOSED',
  persuasion: 'CLOSED',
  enforcement: 'CLOSED',
  dismissal: 'DISMISSED',
};

/**
 * Short legal periods, so a whole enforcement path passes in seconds of accelerated time, and long
 * windows for people's steps, so a busy driver still answers within them. Every rule (working days,
 * holidays, daytime enforcement slots) still applies.
 */
export const LOAD_POLICY: PolicyOverrides = {
  persuasion: { amount: 20, unit: 'calendar-days' },
  noticeDeadline: Object.fromEntries(
    (['unit-internal', 'resident-built', 'other'] as const).map((category) => [
      category,
      {
        minor: { amount: 2, unit: 'calendar-days' },
        moderate: { amount: 2, unit: 'calendar-days' },
        serious: { amount: 2, unit: 'calendar-days' },
      },
    ]),
  ),
  reminderLead: { amount: 1, unit: 'working-days' },
  inspectionWindow: { amount: 15, unit: 'working-days' },
  inspectionOverdueRounds: 3,
  urgePeriod: { amount: 2, unit: 'calendar-days' },
  announcementPeriod: { amount: 2, unit: 'calendar-days' },
  reconsiderationWindow: { amount: 3, unit: 'calendar-days' },
  litigationWindow: { amount: 3, unit: 'calendar-days' },
  enforcementWindow: { amount: 20, unit: 'calendar-days' },
};

/**
 * Short periods and one overdue round: a person's step the workflow stops waiting for is reached in a
 * few seconds, for the tests of what happens after it stopped.
 */
export const STOPPING_POLICY: PolicyOverrides = {
  ...LOAD_POLICY,
  persuasion: { amount: 2, unit: 'calendar-days' },
  inspectionWindow: { amount: 2, unit: 'working-days' },
  inspectionOverdueRounds: 1,
  enforcementWindow: { amount: 3, unit: 'calendar-days' },
};

/** The category that sends a case down its path: only resident-built cases start with persuasion. */
const CATEGORY: Record<LifecyclePath, 'resident-built' | 'other' | 'unit-internal'> = {
  'self-demolition': 'other',
  persuasion: 'resident-built',
  enforcement: 'unit-internal',
  dismissal: 'other',
};

interface LifecycleClients {
  reporter: Client;
  officer: Client;
  enforcer: Client;
  auditor: Client;
}

export interface DriveOptions {
  clients: LifecycleClients;
  /** Every case goes under this sub-district, so one area listing finds them all. */
  subdistrict: string;
  paths: LifecyclePath[];
  /** The legal time now (actions must not be dated in the future). */
  legalNow: () => Date;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Wall time between listing rounds. */
  roundMs?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface DrivenCase {
  id: string;
  path: LifecyclePath;
  idempotencyKey: string;
  status?: CaseStatus;
  /** The documents the driver recorded as served (the workflow waits for each before its periods run). */
  served?: string[];
}

export interface DriveResult {
  cases: DrivenCase[];
  /** Wall milliseconds from the first submission to the last case reaching its end. */
  elapsedMs: number;
  /** Answers other than 2xx or the 409 of a race with the workflow: each is a defect. */
  unexpected: { request: string; status: number; body: unknown }[];
  actions: number;
  rounds: number;
}

/** Every summary of the sub-district's cases, page by page. */
export async function listArea(
  client: Client,
  subdistrict: string,
): Promise<{ id: string; status: CaseStatus; version: number; updatedAt: string; attention?: unknown }[]> {
  const items: { id: string; status: CaseStatus; version: number; updatedAt: string }[] = [];
  let cursor: string | undefined;
  do {
    const answer = await client.get(
      `/cases?subdistrict=${encodeURIComponent(subdistrict)}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (answer.status !== 200)
      throw new Error(`listing ${subdistrict} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    items.push(...answer.body.items);
    cursor = answer.body.cursor;
  } while (cursor);
  return items;
}

export function submissionFor(path: LifecyclePath, subdistrict: string, index: number, discoveredOn: string) {
  return seedSubmission({
    category: CATEGORY[path],
    severity: 'moderate',
    discoveredOn,
    location: { subdistrict, community: '解放坡社区', address: `隆庆楼${index + 1}号 ${path}` },
  });
}

/** The action a person takes on a case of this path in this status, if any. */
function actionFor(
  driven: DrivenCase,
  status: CaseStatus,
  now: Date,
  clients: LifecycleClients,
): { who: Client; path: string; body: unknown; serves?: string } | undefined {
  const { path } = driven;
  const at = now.toISOString();
  // 送达: the office serves the notice and the enforcement decision on the day it finds them issued.
  const unserved =
    status === 'NOTICE_ISSUED' && path !== 'dismissal'
      ? 'notice'
      : status === 'ENFORCEMENT_DECIDED'
        ? 'enforcement-decision'
        : undefined;
  if (unserved && !driven.served?.includes(unserved)) {
    return {
      who: clients.officer,
      path: 'service',
      body: { document: unserved, method: 'direct', servedOn: shanghaiDateOf(now), receiver: '当事人本人' },
      serves: unserved,
    };
  }
  // A busy driver can come late: a persuasion that expired became a notice; inspected, the case closes all the same.
  if (path === 'persuasion' && (status === 'PERSUASION' || status === 'AWAITING_INSPECTION')) {
    return {
      who: clients.officer,
      path: 'inspections',
      body: { result: 'demolished', inspectedAt: at, inspector: '李网格', areaRemovedM2: 24 },
    };
  }
  if (path === 'self-demolition' && status === 'AWAITING_INSPECTION') {
    return {
      who: clients.officer,
      path: 'inspections',
      body: { result: 'demolished', inspectedAt: at, inspector: '王科员', areaRemovedM2: 24 },
    };
  }
  if (path === 'enforcement' && status === 'AWAITING_INSPECTION') {
    return {
      who: clients.officer,
      path: 'inspections',
      body: { result: 'not-demolished', inspectedAt: at, inspector: '王科员' },
    };
  }
  if (path === 'enforcement' && status === 'ENFORCEMENT_SCHEDULED') {
    return {
      who: clients.enforcer,
      path: 'enforcement',
      body: { completedAt: at, teamLead: '赵队长', areaRemovedM2: 24 },
    };
  }
  if (path === 'dismissal' && (status === 'NOTICE_ISSUED' || status === 'AWAITING_INSPECTION')) {
    return {
      who: clients.officer,
      path: 'dismissal',
      body: { reason: 'withdrawn', explanation: '当事人已补办手续，举报人撤回' },
    };
  }
  return undefined;
}

const TERMINAL: readonly CaseStatus[] = ['CLOSED', 'DISMISSED'];

function countsOf(cases: DrivenCase[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of cases) counts[`${c.path}:${c.status}`] = (counts[`${c.path}:${c.status}`] ?? 0) + 1;
  return counts;
}

/** Submits one case per path and answers every person's step until each case has ended. */
export async function driveLifecycles(options: DriveOptions): Promise<DriveResult> {
  const { clients, subdistrict, legalNow } = options;
  const concurrency = options.concurrency ?? 16;
  const log = options.log ?? (() => undefined);
  const unexpected: DriveResult['unexpected'] = [];
  const note = (request: string, answer: HttpAnswer) =>
    unexpected.push({ request, status: answer.status, body: answer.body });

  const started = Date.now();
  const discoveredOn = shanghaiDateOf(legalNow());
  const cases = await mapLimited(options.paths, concurrency, async (path, index): Promise<DrivenCase> => {
    const idempotencyKey = randomUUID();
    const body = submissionFor(path, subdistrict, index, discoveredOn);
    for (;;) {
      const answer = await clients.reporter.post('/cases', body, { 'idempotency-key': idempotencyKey });
      if (answer.status === 201) return { id: answer.body.id as string, path, idempotencyKey };
      // A busy table may answer 429/503 with Retry-After: the same key makes the retry safe.
      if (answer.status !== 429 && answer.status !== 503) {
        note('POST /cases', answer);
        throw new Error(`submitting case ${index} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      }
      await sleep(Number(answer.headers.get('retry-after') ?? '1') * 1000);
    }
  });
  log(`submitted ${cases.length} cases in ${Date.now() - started} ms`);
  const driven = await driveToEnd(options, cases);
  return { ...driven, elapsedMs: Date.now() - started, unexpected: [...unexpected, ...driven.unexpected] };
}

/** Answers every person's step of cases already submitted until each has ended. */
export async function driveToEnd(options: Omit<DriveOptions, 'paths'>, cases: DrivenCase[]): Promise<DriveResult> {
  const { clients, subdistrict, legalNow } = options;
  const concurrency = options.concurrency ?? 16;
  const roundMs = options.roundMs ?? 250;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const log = options.log ?? (() => undefined);
  const unexpected: DriveResult['unexpected'] = [];
  const note = (request: string, answer: HttpAnswer) =>
    unexpected.push({ request, status: answer.status, body: answer.body });
  const started = Date.now();
  const byId = new Map(cases.map((c) => [c.id, c]));
  let actions = 0;
  let rounds = 0;
  const deadline = started + timeoutMs;
  for (;;) {
    rounds += 1;
    const listed = await listArea(clients.auditor, subdistrict);
    const todo: { driven: DrivenCase; version: number; status: CaseStatus; updatedAt: string }[] = [];
    for (const summary of listed) {
      const driven = byId.get(summary.id);
      if (!driven) continue;
      driven.status = summary.status;
      if (!TERMINAL.includes(summary.status))
        todo.push({ driven, version: summary.version, status: summary.status, updatedAt: summary.updatedAt });
    }
    const open = cases.filter((c) => !c.status || !TERMINAL.includes(c.status));
    if (open.length === 0) break;
    if (rounds % 20 === 0) log(`round ${rounds}: ${open.length} open ${JSON.stringify(countsOf(open))}`);
    if (Date.now() > deadline) {
      throw new Error(`${open.length} case(s) did not end within ${timeoutMs} ms: ${JSON.stringify(countsOf(open))}`);
    }
    await mapLimited(todo, concurrency, async ({ driven, version, status, updatedAt }) => {
      // The driver's clock may lag the stack's (a restarted stack's saved legal time): never act before the
      // case's own last change, so a service is not dated before the paper it serves was issued.
      const now = new Date(Math.max(legalNow().getTime(), Date.parse(updatedAt)));
      const action = actionFor(driven, status, now, clients);
      if (!action) return;
      const answer = await action.who.post(`/cases/${driven.id}/${action.path}`, action.body, {
        'if-match': `"${version}"`,
      });
      actions += 1;
      if (action.serves && answer.status === 200) driven.served = [...(driven.served ?? []), action.serves];
      // 409: the workflow moved the case since it was listed; the next round sees where it is now.
      if (answer.status !== 200 && answer.status !== 409)
        note(`POST /cases/${driven.id}/${action.path} (${status})`, answer);
    });
    await sleep(roundMs);
  }
  const elapsedMs = Date.now() - started;
  log(`all ${cases.length} cases ended after ${elapsedMs} ms, ${rounds} rounds, ${actions} actions`);
  return { cases, elapsedMs, unexpected, actions, rounds };
}

export interface HistoryVerdict {
  id: string;
  ok: boolean;
  types: string[];
  events: { type: string; seq: number; data: Record<string, unknown> }[];
  detail?: unknown;
}

/** Each case's whole history, with the API's own chain verification. */
export async function verifyHistories(
  client: Client,
  ids: readonly string[],
  concurrency = 8,
): Promise<HistoryVerdict[]> {
  return mapLimited(ids, concurrency, async (id) => {
    const events: HistoryVerdict['events'] = [];
    let cursor: string | undefined;
    let verdict: { ok?: boolean } | undefined;
    do {
      const answer = await client.get(
        `/cases/${id}/history?verify=true&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      if (answer.status !== 200)
        return {
          id,
          ok: false,
          types: events.map((e) => e.type),
          events,
          detail: { status: answer.status, body: answer.body },
        };
      events.push(...answer.body.items);
      verdict ??= answer.body.verification;
      cursor = answer.body.cursor;
    } while (cursor);
    return { id, ok: verdict?.ok === true, types: events.map((e) => e.type), events, detail: verdict };
  });
}

/** How many times each value occurs, for the values that occur more than once. */
export function repeated(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 1));
}
