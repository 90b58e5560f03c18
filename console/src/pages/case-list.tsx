import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { CASE_STATUSES } from '#domain/vocabulary';
import type { CaseSummary, Problem } from '../api';
import { fieldErrors } from '../api';
import { useApp, useSession } from '../app-context';
import { CaseTable } from '../case-table';
import { BASE_PATH } from '../config';
import { useT } from '../i18n';
import type { FieldSpec } from '../ui';
import { Alert, Field, Loading, problemText, useLoad } from '../ui';

const FILTERS = ['subdistrict', 'community', 'status', 'from', 'to', 'overdue', 'attention'] as const;
type Filter = Partial<Record<(typeof FILTERS)[number], string>>;

function filterOf(query: Record<string, string>): Filter {
  const filter: Filter = {};
  for (const name of FILTERS) if (query[name]) filter[name] = query[name];
  return filter;
}

/** Cases by the API's own filters, a page at a time; the filter lives in the address so it can be shared. */
export function CaseList() {
  const { api, config } = useApp();
  const session = useSession();
  const tr = useT();
  const { query, route } = useLocation();
  const filter = filterOf(query);
  const key = JSON.stringify(filter);
  const [more, setMore] = useState<{ items: CaseSummary[]; cursor?: string }>();
  const [problem, setProblem] = useState<Problem>();
  const [loaded] = useLoad(async () => {
    setMore(undefined);
    setProblem(undefined);
    if (Object.keys(filter).length === 0) return undefined;
    const page = await api.GET('/cases', { params: { query: { ...(filter as object), limit: 50 } } });
    if (!page.data) {
      setProblem(page.error);
      return undefined;
    }
    return page.data;
  }, [key]);

  const fields: FieldSpec[] = [
    {
      name: 'subdistrict',
      label: tr.t('subdistrict'),
      kind: 'text',
      optional: true,
      value: filter.subdistrict ?? session.subdistricts[0],
    },
    { name: 'community', label: tr.t('community'), kind: 'text', optional: true, value: filter.community },
    {
      name: 'status',
      label: tr.t('status'),
      kind: 'select',
      optional: true,
      options: CASE_STATUSES.map((s) => ({ value: s, label: tr.status(s) })),
      value: filter.status,
    },
    { name: 'from', label: tr.t('from'), kind: 'date', optional: true, value: filter.from },
    { name: 'to', label: tr.t('to'), kind: 'date', optional: true, value: filter.to },
  ];
  const errors = fieldErrors(problem);

  const apply = (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const params = new URLSearchParams();
    for (const name of FILTERS) {
      const value = String(data.get(name) ?? '').trim();
      if (value) params.set(name, value);
    }
    route(`${BASE_PATH}/cases?${params}`);
  };

  const loadMore = async (cursor: string, sofar: CaseSummary[]) => {
    const page = await api.GET('/cases', { params: { query: { ...(filter as object), limit: 50, cursor } } });
    if (page.data) setMore({ items: [...sofar, ...page.data.items], cursor: page.data.cursor });
    else setProblem(page.error);
  };

  const [exporting, setExporting] = useState<{ received: number; total: number }>();
  const exportCsv = async () => {
    const params = new URLSearchParams({ ...filter, format: 'csv' });
    const response = await fetch(`${config.apiBase || location.origin}/cases/export?${params}`, {
      headers: { authorization: `Bearer ${session.token}` },
    });
    if (!response.ok) return setProblem((await response.json()) as Problem);
    let file: Blob;
    if (response.headers.get('x-export-delivery') === 'link') {
      // Too large for one answer: the API wrote it to the object store and answered a 5-minute link.
      const exported = (await response.json()) as { link: { url: string }; bytes: number };
      const download = await fetch(exported.link.url);
      if (!download.ok || !download.body)
        return setProblem({ type: 'about:blank', title: `HTTP ${download.status}`, status: download.status });
      const parts: BlobPart[] = [];
      let received = 0;
      setExporting({ received, total: exported.bytes });
      for (const reader = download.body.getReader(); ;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value as Uint8Array<ArrayBuffer>);
        received += value.byteLength;
        setExporting({ received, total: exported.bytes });
      }
      file = new Blob(parts, { type: 'text/csv' });
    } else {
      file = await response.blob();
    }
    setExporting(undefined);
    const url = URL.createObjectURL(file);
    const link = Object.assign(document.createElement('a'), {
      href: url,
      download: `cases-${new Date().toISOString().slice(0, 10)}.csv`,
    });
    link.click();
    URL.revokeObjectURL(url);
  };

  return (
    <>
      <h1>{tr.t('cases')}</h1>
      <form class="card filters" onSubmit={apply} aria-label={tr.t('filter')} noValidate>
        {fields.map((spec) => (
          <Field key={`${spec.name}-${key}`} spec={spec} error={errors.get(spec.name)} idPrefix="filter" />
        ))}
        <div class="check">
          <input type="checkbox" id="filter-overdue" name="overdue" value="true" checked={filter.overdue === 'true'} />
          <label for="filter-overdue">{tr.t('onlyOverdue')}</label>
        </div>
        <div class="check">
          <input
            type="checkbox"
            id="filter-attention"
            name="attention"
            value="true"
            checked={filter.attention === 'true'}
          />
          <label for="filter-attention">{tr.t('onlyAttention')}</label>
        </div>
        <div class="row">
          <button type="submit">{tr.t('filter')}</button>
          {(session.role === 'officer' || session.role === 'auditor') && (
            <button type="button" class="secondary" onClick={() => void exportCsv()}>
              {tr.t('exportCsv')}
            </button>
          )}
        </div>
      </form>
      {exporting && (
        <div class="import-progress" role="status">
          <label>
            {tr.lang === 'zh' ? '正在下载导出文件' : 'Downloading the export'}{' '}
            <progress max={exporting.total} value={exporting.received} />{' '}
            {(exporting.received / 1024 / 1024).toFixed(1)} / {(exporting.total / 1024 / 1024).toFixed(1)} MB
          </label>
        </div>
      )}
      {problem && <Alert>{problemText(problem, tr)}</Alert>}
      <Loading loaded={loaded}>
        {(page) => {
          if (!page) return problem ? null : <p>{tr.t('listNeedsFilter')}</p>;
          const items = more?.items ?? page.items;
          const cursor = more ? more.cursor : page.cursor;
          return (
            <section class="card">
              <CaseTable cases={items} caption={tr.t('cases')} />
              {cursor && (
                <button type="button" class="secondary" onClick={() => void loadMore(cursor, items)}>
                  {tr.t('more')}
                </button>
              )}
            </section>
          );
        }}
      </Loading>
    </>
  );
}
