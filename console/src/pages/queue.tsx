import type { CaseStatus } from '#domain/vocabulary';
import { OPEN_STATUSES } from '#domain/vocabulary';
import type { ApiClient, CaseSummary } from '../api';
import { useApp, useSession } from '../app-context';
import { CaseTable } from '../case-table';
import type { WordKey } from '../i18n';
import { useT } from '../i18n';
import { formatDate, legalNow } from '../time';
import { Loading, ProblemError, useLoad } from '../ui';

type Query = { status?: CaseStatus; overdue?: 'true'; attention?: 'true' };

/** Every page of one list query (a queue is short: it holds what people must act on). */
async function listAll(api: ApiClient, query: Query): Promise<CaseSummary[]> {
  const items: CaseSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.GET('/cases', {
      params: { query: { ...query, limit: 100, ...(cursor ? { cursor } : {}) } },
    });
    if (!page.data) throw new ProblemError(page.error, page.response.status);
    items.push(...page.data.items);
    cursor = page.data.cursor;
  } while (cursor && items.length < 500);
  return items;
}

async function inStatuses(api: ApiClient, statuses: readonly CaseStatus[]): Promise<CaseSummary[]> {
  return (await Promise.all(statuses.map((status) => listAll(api, { status })))).flat();
}

const byUpdatedDesc = (a: CaseSummary, b: CaseSummary) => b.updatedAt.localeCompare(a.updatedAt);
const WEEK_MS = 7 * 86_400_000;

type Section = { key: WordKey; cases: CaseSummary[] };

async function queueFor(api: ApiClient, role: string): Promise<Section[]> {
  switch (role) {
    case 'officer': {
      const [awaiting, notice, overdue, persuasion, attention] = await Promise.all([
        listAll(api, { status: 'AWAITING_INSPECTION' }),
        listAll(api, { status: 'NOTICE_ISSUED' }),
        listAll(api, { overdue: 'true' }),
        listAll(api, { status: 'PERSUASION' }),
        listAll(api, { attention: 'true' }),
      ]);
      const now = legalNow();
      const dueSoon = notice.filter(
        (c) => c.dueAt && Date.parse(c.dueAt) >= now && Date.parse(c.dueAt) - now <= WEEK_MS,
      );
      return [
        { key: 'awaitingInspection', cases: awaiting },
        { key: 'dueSoon', cases: dueSoon },
        { key: 'overdue', cases: overdue },
        // The notice or the enforcement decision not recorded as served in time (its periods wait for it).
        { key: 'serviceOverdue', cases: attention.filter((c) => c.attention?.unserved !== undefined) },
        { key: 'attention', cases: attention },
        { key: 'persuasionPending', cases: persuasion },
      ];
    }
    case 'enforcer':
      return [
        {
          key: 'scheduled',
          cases: (await listAll(api, { status: 'ENFORCEMENT_SCHEDULED' })).sort((a, b) =>
            (a.dueAt ?? '').localeCompare(b.dueAt ?? ''),
          ),
        },
      ];
    case 'reporter':
      return [{ key: 'myCases', cases: (await inStatuses(api, OPEN_STATUSES)).sort(byUpdatedDesc) }];
    default:
      return [
        { key: 'recentActivity', cases: (await inStatuses(api, OPEN_STATUSES)).sort(byUpdatedDesc).slice(0, 30) },
      ];
  }
}

/** 工作台: what this role has to act on now. */
export function Queue() {
  const { api } = useApp();
  const session = useSession();
  const tr = useT();
  const [loaded] = useLoad(() => queueFor(api, session.role), [session.role]);
  return (
    <>
      <h1>{tr.t('queue')}</h1>
      <Loading loaded={loaded}>
        {(sections) =>
          sections.map(({ key, cases }) => (
            <section key={key} class="card" aria-labelledby={`q-${key}`}>
              <h2 id={`q-${key}`}>
                {tr.t(key)} <span class="count">{cases.length}</span>
              </h2>
              {key === 'scheduled' ? <ByDate cases={cases} /> : <CaseTable cases={cases} caption={tr.t(key)} />}
            </section>
          ))
        }
      </Loading>
    </>
  );
}

function ByDate({ cases }: { cases: CaseSummary[] }) {
  const tr = useT();
  const days = new Map<string, CaseSummary[]>();
  for (const c of cases) {
    const day = c.dueAt
      ? new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(c.dueAt))
      : '';
    days.set(day, [...(days.get(day) ?? []), c]);
  }
  if (cases.length === 0) return <p class="empty">{tr.t('nothing')}</p>;
  return (
    <>
      {[...days].map(([day, list]) => (
        <div key={day}>
          <h3>{day ? formatDate(day, tr.lang) : '—'}</h3>
          <CaseTable cases={list} caption={day} />
        </div>
      ))}
    </>
  );
}
