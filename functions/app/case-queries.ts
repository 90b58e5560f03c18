import * as z from 'zod';
import type { ChainVerdict } from '#domain/chain';
import { caseFieldsReplayer, chainVerifier } from '#domain/chain';
import type { CaseEvent, CaseRecord } from '#domain/schemas';
import { addDays, startOfShanghaiDay } from '#domain/shanghai-time';
import type { CaseStatus } from '#domain/vocabulary';
import { OPEN_STATUSES, TERMINAL_STATUSES } from '#domain/vocabulary';
import type { CaseSummary, Page } from '#store/case-store';
import type { MailKind, MailStatus } from '#domain/mail-vocabulary';
import { summaryOf } from '#store/case-summary';
import { InvalidCursorError } from '#store/errors';
import type { QueryDeps } from './context';
import type { Viewer } from './case-view';
import { inScope, loadVisibleCase, maySee } from './case-view';
import { cursorSealer, processCursorKey } from './cursor-seal';
import { callDependency } from './dependency-errors';
import { SubdistrictNotFoundError } from './errors';

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

/** One email recorded about a case, as `GET /cases/{id}/emails` lists it. */
export interface CaseEmail {
  id: string;
  kind: MailKind;
  to: string;
  subject: string;
  status: MailStatus;
  createdAt: string;
  sentAt?: string;
  settledAt?: string;
  attempts: number;
  possibleRepeat: boolean;
  lastError?: string;
  reportedAt?: string;
  delayedAt?: string;
  delayType?: string;
}

export interface HistoryPage extends Page<CaseEvent> {
  verification?: ChainVerdict;
}

/**
 * Which index answers a list: a reporter's own index for a reporter (nothing of anyone else is read),
 * else the area index when a sub-district is named, the status index when a status is, and for overdue
 * cases of any status the status index of each open status in turn.
 */
type ListPlan =
  | { kind: 'reporter' }
  | { kind: 'attention' }
  | { kind: 'area' }
  | { kind: 'status'; status: CaseStatus }
  | { kind: 'overdue' };

/** Where a list stopped; sealed before it leaves (cursor-seal.ts). */
const listPositionSchema = z.strictObject({
  k: z.enum(['reporter', 'attention', 'area', 'status', 'overdue']),
  /** Position in OPEN_STATUSES for the overdue list. */
  s: z.number().int().min(0).max(OPEN_STATUSES.length).optional(),
  c: z.string().max(4096).optional(),
});
type ListPosition = z.infer<typeof listPositionSchema>;

/** Reads: one case, lists from the indexes (never a Scan), and a case's verifiable history. */
export function makeCaseQueries(deps: QueryDeps) {
  const { store, clock } = deps;
  const sealer = cursorSealer(deps.cursorKey ?? processCursorKey);

  /** A cursor belongs to the caller, the role and scope they act in, and the list's filters. */
  function listBinding(viewer: Viewer, filter: CaseListFilter) {
    const { cursor: _cursor, limit: _limit, ...filters } = filter;
    return { list: 'cases', viewer, filters: { ...filters, overdue: Boolean(filter.overdue) } };
  }

  async function openListCursor(
    viewer: Viewer,
    filter: CaseListFilter,
    kind: ListPlan['kind'],
  ): Promise<ListPosition | undefined> {
    const opened = await sealer.open(listBinding(viewer, filter), filter.cursor);
    if (opened === undefined) return undefined;
    const result = listPositionSchema.safeParse(opened);
    if (!result.success || result.data.k !== kind) throw new InvalidCursorError('cursor is not valid');
    return result.data;
  }

  function getCase(viewer: Viewer, id: string): Promise<CaseRecord> {
    return loadVisibleCase(store, viewer, id);
  }
  /**
   * The emails recorded about a case (one Query on its partition), as people read them: what was sent to
   * whom and how it went, without the rendered message or the outbox's claim.
   */
  async function emails(viewer: Viewer, id: string): Promise<CaseEmail[]> {
    await getCase(viewer, id);
    const recorded = await callDependency('database', () => store.emails(id));
    return recorded.map((mail) => ({
      id: mail.id,
      kind: mail.kind,
      to: mail.to,
      subject: mail.subject,
      status: mail.status,
      createdAt: mail.createdAt,
      ...(mail.sentAt ? { sentAt: mail.sentAt } : {}),
      ...(mail.settledAt ? { settledAt: mail.settledAt } : {}),
      attempts: mail.attempts,
      possibleRepeat: mail.possibleRepeat === true,
      ...(mail.lastError ? { lastError: mail.lastError } : {}),
      ...(mail.reportedAt ? { reportedAt: mail.reportedAt } : {}),
      ...(mail.delayedAt ? { delayedAt: mail.delayedAt, delayType: mail.delayType } : {}),
    }));
  }

  async function listCases(viewer: Viewer, filter: CaseListFilter): Promise<Page<CaseSummary>> {
    const plan: ListPlan =
      viewer.role === 'reporter'
        ? { kind: 'reporter' }
        : filter.attention
          ? { kind: 'attention' }
          : filter.subdistrict
            ? { kind: 'area' }
            : filter.status
              ? { kind: 'status', status: filter.status }
              : { kind: 'overdue' };
    const cursor = await openListCursor(viewer, filter, plan.kind);
    if (filter.subdistrict && !inScope(viewer, filter.subdistrict))
      throw new SubdistrictNotFoundError(filter.subdistrict);
    const seal = (position: ListPosition) => sealer.seal(listBinding(viewer, filter), position);
    const now = clock.now().toISOString();
    const fromIso = filter.from ? startOfShanghaiDay(filter.from).toISOString() : undefined;
    // The day after 9999-12-31 has no four-digit year: a range to the last day there is has no end.
    const toIso =
      filter.to && filter.to < '9999-12-31' ? startOfShanghaiDay(addDays(filter.to, 1)).toISOString() : undefined;
    const keep = (c: CaseSummary) =>
      maySee(viewer, c) &&
      (!filter.status || c.status === filter.status) &&
      (!filter.subdistrict || c.location.subdistrict === filter.subdistrict) &&
      (!filter.community || c.location.community === filter.community) &&
      (!filter.attention || (c.attention !== undefined && !TERMINAL_STATUSES.includes(c.status))) &&
      (!filter.overdue || (!TERMINAL_STATUSES.includes(c.status) && c.dueAt !== undefined && c.dueAt < now)) &&
      (!fromIso || c.reportedAt >= fromIso) &&
      (!toIso || c.reportedAt < toIso);

    if (plan.kind === 'reporter') {
      const page = await callDependency('database', () =>
        store.listByReporter(viewer.sub, { from: fromIso, to: toIso, limit: filter.limit, cursor: cursor?.c }),
      );
      return {
        items: page.items.filter(keep),
        cursor: page.cursor ? await seal({ k: 'reporter', c: page.cursor }) : undefined,
      };
    }
    if (plan.kind === 'attention') {
      // The attention list names the flagged cases; each case item says whether it is still flagged.
      const page = await callDependency('database', () =>
        store.listFlagged({ limit: filter.limit, cursor: cursor?.c }),
      );
      const records = await callDependency('database', () =>
        Promise.all(page.items.map((flag) => store.getCase(flag.caseId, { consistent: false }))),
      );
      const items = records
        .filter((r): r is CaseRecord => r !== undefined)
        .map(summaryOf)
        .filter(keep);
      return { items, cursor: page.cursor ? await seal({ k: 'attention', c: page.cursor }) : undefined };
    }
    if (plan.kind === 'area') {
      const page = await callDependency('database', () =>
        store.listByArea(filter.subdistrict as string, {
          community: filter.community,
          from: fromIso,
          to: toIso,
          limit: filter.limit,
          cursor: cursor?.c,
        }),
      );
      return {
        items: page.items.filter(keep),
        cursor: page.cursor ? await seal({ k: 'area', c: page.cursor }) : undefined,
      };
    }
    if (plan.kind === 'status') {
      const page = await callDependency('database', () =>
        store.listByStatus(plan.status, {
          dueBefore: filter.overdue ? now : undefined,
          limit: filter.limit,
          cursor: cursor?.c,
        }),
      );
      return {
        items: page.items.filter(keep),
        cursor: page.cursor ? await seal({ k: 'status', c: page.cursor }) : undefined,
      };
    }
    // Overdue across every open status: walk the statuses' index partitions one after another.
    const items: CaseSummary[] = [];
    let index = cursor?.s ?? 0;
    let inner = cursor?.c;
    while (index < OPEN_STATUSES.length && items.length < filter.limit) {
      const status = OPEN_STATUSES[index] as CaseStatus;
      const page = await callDependency('database', () =>
        store.listByStatus(status, { dueBefore: now, limit: filter.limit - items.length, cursor: inner }),
      );
      items.push(...page.items.filter(keep));
      if (page.cursor) {
        inner = page.cursor;
        break;
      }
      index += 1;
      inner = undefined;
    }
    const more = index < OPEN_STATUSES.length;
    return { items, cursor: more ? await seal({ k: 'overdue', s: index, c: inner }) : undefined };
  }

  /**
   * Verifies the chain and replays it: the case item's status, notice number, area removed, version and
   * chain head must be what its history says (lists, exports and reports read the case item). Names the
   * first disagreement.
   */
  async function verifyHistory(id: string, head: CaseRecord): Promise<ChainVerdict> {
    let expected = head;
    for (let attempt = 1; ; attempt += 1) {
      const verifier = chainVerifier();
      const replay = caseFieldsReplayer();
      let verdict: ChainVerdict | undefined;
      for await (const event of store.allEvents(id)) {
        verdict = verifier.add(event);
        if (verdict) break;
        replay.add(event);
      }
      verdict ??= verifier.finish(expected);
      if (verdict.ok) verdict = replay.compare(expected) ?? verdict;
      if (verdict.ok || attempt >= 3) return verdict;
      // The workflow may have appended an event between reading the case and its history: check again
      // against the newer head before calling the chain broken.
      const fresh = await store.getCase(id);
      if (!fresh || fresh.version === expected.version) return verdict;
      expected = fresh;
    }
  }

  async function history(
    viewer: Viewer,
    id: string,
    options: { cursor?: string; limit: number; verify: boolean },
  ): Promise<HistoryPage> {
    const record = await getCase(viewer, id);
    const binding = { list: 'history', viewer, caseId: id };
    const opened = await sealer.open(binding, options.cursor);
    if (opened !== undefined && typeof opened !== 'string') throw new InvalidCursorError('cursor is not valid');
    const stored = await callDependency('database', () => store.history(id, { cursor: opened, limit: options.limit }));
    const page = {
      items: stored.items,
      cursor: stored.cursor ? await sealer.seal(binding, stored.cursor) : undefined,
    };
    if (!options.verify) return page;
    const verification = await callDependency('database', () => verifyHistory(id, record));
    return { ...page, verification };
  }

  return { getCase, listCases, history, emails };
}
