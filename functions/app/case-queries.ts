import * as z from 'zod';
import type { ChainVerdict } from '../domain/chain';
import { chainVerifier } from '../domain/chain';
import type { CaseEvent, CaseRecord } from '../domain/schemas';
import { addDays, startOfShanghaiDay } from '../domain/shanghai-time';
import type { CaseStatus } from '../domain/vocabulary';
import { OPEN_STATUSES, TERMINAL_STATUSES } from '../domain/vocabulary';
import type { CaseSummary, Page } from '../store/case-store';
import { summaryOf } from '../store/case-summary';
import { InvalidCursorError } from '../store/errors';
import type { AppDeps } from './context';
import type { Viewer } from './case-view';
import { maySee } from './case-view';
import { callDependency } from './dependency-errors';
import { CaseNotFoundError } from './errors';

export interface CaseListFilter {
  status?: CaseStatus;
  subdistrict?: string;
  community?: string;
  /** Reported on or after this Shanghai date. */
  from?: string;
  /** Reported on or before this Shanghai date. */
  to?: string;
  /** Only open cases whose running deadline has passed. */
  overdue?: boolean;
  /** Only open cases flagged for a person's attention. */
  attention?: boolean;
  cursor?: string;
  limit: number;
}

export interface HistoryPage extends Page<CaseEvent> {
  verification?: ChainVerdict;
}

/**
 * Which index answers a list: the area index when a sub-district is named, the status index when a
 * status is, and for overdue cases of any status the status index of each open status in turn.
 */
type ListPlan = { kind: 'attention' } | { kind: 'area' } | { kind: 'status'; status: CaseStatus } | { kind: 'overdue' };

const listCursorSchema = z.strictObject({
  k: z.enum(['attention', 'area', 'status', 'overdue']),
  /** Position in OPEN_STATUSES for the overdue list. */
  s: z.number().int().min(0).max(OPEN_STATUSES.length).optional(),
  c: z.string().max(4096).optional(),
});
type ListCursor = z.infer<typeof listCursorSchema>;

function encodeListCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeListCursor(raw: string | undefined, kind: ListPlan['kind']): ListCursor | undefined {
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('cursor is not valid');
  }
  const result = listCursorSchema.safeParse(parsed);
  if (!result.success) throw new InvalidCursorError('cursor is not valid');
  if (result.data.k !== kind) throw new InvalidCursorError('cursor belongs to a different list; repeat the same filters it came with');
  return result.data;
}

/** Reads: one case, lists from the indexes (never a Scan), and a case's verifiable history. */
export function makeCaseQueries(deps: AppDeps) {
  const { store, clock } = deps;

  async function getCase(viewer: Viewer, id: string): Promise<CaseRecord> {
    const record = await callDependency('database', () => store.getCase(id));
    if (!record || !maySee(viewer, record)) throw new CaseNotFoundError(id);
    return record;
  }

  async function listCases(viewer: Viewer, filter: CaseListFilter): Promise<Page<CaseSummary>> {
    const plan: ListPlan = filter.attention
      ? { kind: 'attention' }
      : filter.subdistrict
        ? { kind: 'area' }
        : filter.status
          ? { kind: 'status', status: filter.status }
          : { kind: 'overdue' };
    const cursor = decodeListCursor(filter.cursor, plan.kind);
    const now = clock.now().toISOString();
    const fromIso = filter.from ? startOfShanghaiDay(filter.from).toISOString() : undefined;
    // The day after 9999-12-31 has no four-digit year: a range to the last day there is has no end.
    const toIso = filter.to && filter.to < '9999-12-31' ? startOfShanghaiDay(addDays(filter.to, 1)).toISOString() : undefined;
    const keep = (c: CaseSummary) =>
      maySee(viewer, c) &&
      (!filter.status || c.status === filter.status) &&
      (!filter.subdistrict || c.location.subdistrict === filter.subdistrict) &&
      (!filter.community || c.location.community === filter.community) &&
      (!filter.attention || (c.attention !== undefined && !TERMINAL_STATUSES.includes(c.status))) &&
      (!filter.overdue || (!TERMINAL_STATUSES.includes(c.status) && c.dueAt !== undefined && c.dueAt < now)) &&
      (!fromIso || c.reportedAt >= fromIso) &&
      (!toIso || c.reportedAt < toIso);

    if (plan.kind === 'attention') {
      // The attention list names the flagged cases; each case item says whether it is still flagged.
      const page = await callDependency('database', () => store.listFlagged({ limit: filter.limit, cursor: cursor?.c }));
      const records = await callDependency('database', () => Promise.all(page.items.map((flag) => store.getCase(flag.caseId, { consistent: false }))));
      const items = records.filter((r): r is CaseRecord => r !== undefined).map(summaryOf).filter(keep);
      return { items, cursor: page.cursor ? encodeListCursor({ k: 'attention', c: page.cursor }) : undefined };
    }
    if (plan.kind === 'area') {
      const page = await callDependency('database', () =>
        store.listByArea(filter.subdistrict as string, { community: filter.community, from: fromIso, to: toIso, limit: filter.limit, cursor: cursor?.c }),
      );
      return { items: page.items.filter(keep), cursor: page.cursor ? encodeListCursor({ k: 'area', c: page.cursor }) : undefined };
    }
    if (plan.kind === 'status') {
      const page = await callDependency('database', () =>
        store.listByStatus(plan.status, { dueBefore: filter.overdue ? now : undefined, limit: filter.limit, cursor: cursor?.c }),
      );
      return { items: page.items.filter(keep), cursor: page.cursor ? encodeListCursor({ k: 'status', c: page.cursor }) : undefined };
    }
    // Overdue across every open status: walk the statuses' index partitions one after another.
    const items: CaseSummary[] = [];
    let index = cursor?.s ?? 0;
    let inner = cursor?.c;
    while (index < OPEN_STATUSES.length && items.length < filter.limit) {
      const status = OPEN_STATUSES[index] as CaseStatus;
      const page = await callDependency('database', () => store.listByStatus(status, { dueBefore: now, limit: filter.limit - items.length, cursor: inner }));
      items.push(...page.items.filter(keep));
      if (page.cursor) {
        inner = page.cursor;
        break;
      }
      index += 1;
      inner = undefined;
    }
    const more = index < OPEN_STATUSES.length;
    return { items, cursor: more ? encodeListCursor({ k: 'overdue', s: index, c: inner }) : undefined };
  }

  async function verifyHistory(id: string, head: Pick<CaseRecord, 'lastSeq' | 'lastHash' | 'version'>): Promise<ChainVerdict> {
    let expected = head;
    for (let attempt = 1; ; attempt += 1) {
      const verifier = chainVerifier();
      let verdict: ChainVerdict | undefined;
      for await (const event of store.allEvents(id)) {
        verdict = verifier.add(event);
        if (verdict) break;
      }
      verdict ??= verifier.finish(expected);
      if (verdict.ok || attempt >= 3) return verdict;
      // The workflow may have appended an event between reading the case and its history: check again
      // against the newer head before calling the chain broken.
      const fresh = await store.getCase(id);
      if (!fresh || fresh.version === expected.version) return verdict;
      expected = fresh;
    }
  }

  async function history(viewer: Viewer, id: string, options: { cursor?: string; limit: number; verify: boolean }): Promise<HistoryPage> {
    const record = await getCase(viewer, id);
    const page = await callDependency('database', () => store.history(id, { cursor: options.cursor, limit: options.limit }));
    if (!options.verify) return page;
    const verification = await callDependency('database', () => verifyHistory(id, record));
    return { ...page, verification };
  }

  return { getCase, listCases, history };
}
export type CaseQueries = ReturnType<typeof makeCaseQueries>;
