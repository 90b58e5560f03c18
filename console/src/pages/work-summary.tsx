import { useLocation } from 'preact-iso';
import type { components, operations } from '../api/schema';
import { fieldErrors } from '../api';
import { useApp } from '../app-context';
import { BASE_PATH } from '../config';
import { useT } from '../i18n';
import type { FieldSpec } from '../ui';
import { Alert, Field, Loading, problemText, useLoad } from '../ui';

type Report = operations['getSummaryReport']['responses'][200]['content']['application/json'];
type Figures = Report['total'];
type Problem = components['schemas']['Problem'];

const FIGURES: [keyof Figures, [string, string]][] = [
  ['reported', ['登记', 'Reported']],
  ['noticesIssued', ['下达通知书', 'Notices']],
  ['selfDemolished', ['自行拆除', 'Self-demolished']],
  ['enforced', ['强制拆除', 'Enforced']],
  ['dismissed', ['撤销', 'Dismissed']],
  ['open', ['在办', 'Open']],
  ['overdue', ['逾期', 'Overdue']],
  ['areaRemovedM2', ['拆除面积㎡', 'Area removed m²']],
  ['medianDaysToClose', ['办结天数中位数', 'Median days to close']],
];

function csvOf(report: Report, header: string[]): string {
  const cell = (value: unknown) => `"${String(value ?? '').replaceAll('"', '""')}"`;
  const lines = [
    header,
    ...report.rows.map((r) => [r.subdistrict, r.community ?? '', ...FIGURES.map(([k]) => r[k])]),
    ['', '', ...FIGURES.map(([k]) => report.total[k])],
  ];
  return `\uFEFF${lines.map((line) => line.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** 工作总结: the period's figures by sub-district and community, as a table and bars; printable, exportable. */
export function WorkSummary() {
  const { api } = useApp();
  const tr = useT();
  const { query, route } = useLocation();
  const L = ([zh, en]: [string, string]) => (tr.lang === 'zh' ? zh : en);
  const filter = {
    ...(query.from ? { from: query.from } : {}),
    ...(query.to ? { to: query.to } : {}),
    ...(query.subdistrict ? { subdistrict: query.subdistrict } : {}),
  };
  const [loaded] = useLoad(async (): Promise<{ report?: Report; problem?: Problem }> => {
    const got = await api.GET('/reports/summary', { params: { query: filter } });
    return got.data ? { report: got.data } : { problem: got.error };
  }, [JSON.stringify(filter)]);

  const fields: FieldSpec[] = [
    { name: 'from', label: tr.t('from'), kind: 'date', optional: true, value: query.from },
    { name: 'to', label: tr.t('to'), kind: 'date', optional: true, value: query.to },
    { name: 'subdistrict', label: tr.t('subdistrict'), kind: 'text', optional: true, value: query.subdistrict },
  ];
  const apply = (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const params = new URLSearchParams();
    for (const { name } of fields)
      if (String(data.get(name) ?? '').trim()) params.set(name, String(data.get(name)).trim());
    route(`${BASE_PATH}/summary?${params}`);
  };
  const header = [tr.t('subdistrict'), tr.t('community'), ...FIGURES.map(([, words]) => L(words))];
  const download = (report: Report) => {
    const url = URL.createObjectURL(new Blob([csvOf(report, header)], { type: 'text/csv;charset=utf-8' }));
    Object.assign(document.createElement('a'), {
      href: url,
      download: `work-summary-${report.period.from ?? 'all'}-${report.period.to ?? 'now'}.csv`,
    }).click();
    URL.revokeObjectURL(url);
  };

  return (
    <>
      <h1>{tr.t('summary')}</h1>
      <Loading loaded={loaded}>
        {({ report, problem }) => {
          const errors = fieldErrors(problem);
          return (
            <>
              <form class="card filters" onSubmit={apply} aria-label={tr.t('period')} noValidate>
                {fields.map((spec) => (
                  <Field
                    key={`${spec.name}-${spec.value ?? ''}`}
                    spec={spec}
                    error={errors.get(spec.name)}
                    idPrefix="summary"
                  />
                ))}
                <div class="row">
                  <button type="submit">{tr.t('show')}</button>
                  <button type="button" class="secondary" onClick={() => print()}>
                    {tr.t('print')}
                  </button>
                  {report && (
                    <button type="button" class="secondary" onClick={() => download(report)}>
                      {tr.t('exportCsv')}
                    </button>
                  )}
                </div>
              </form>
              {problem && <Alert>{errors.size ? tr.t('fixFields') : problemText(problem, tr)}</Alert>}
              {report && <SummaryReport report={report} header={header} />}
            </>
          );
        }}
      </Loading>
    </>
  );
}

function SummaryReport({ report, header }: { report: Report; header: string[] }) {
  const tr = useT();
  const most = Math.max(1, ...report.rows.map((r) => r.reported));
  const label = (r: Report['rows'][number]) => `${r.subdistrict}${r.community ? ` ${r.community}` : ''}`;
  return (
    <>
      <section class="card" aria-labelledby="summary-table-h">
        <h2 id="summary-table-h">
          {tr.t('period')}: {report.period.from ?? '…'} – {report.period.to ?? '…'}
        </h2>
        <div class="scroll-x">
          <table class="cases summary">
            <thead>
              <tr>
                {header.map((h) => (
                  <th key={h} scope="col">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {report.rows.map((r) => (
                <tr key={label(r)}>
                  <th scope="row" data-label={header[0]}>
                    {r.subdistrict}
                  </th>
                  <td data-label={header[1]}>{r.community ?? '—'}</td>
                  {FIGURES.map(([k], i) => (
                    <td key={k} data-label={header[i + 2]}>
                      {r[k] ?? '—'}
                    </td>
                  ))}
                </tr>
              ))}
              <tr>
                <th scope="row" colSpan={2}>
                  {tr.t('total')}
                </th>
                {FIGURES.map(([k], i) => (
                  <td key={k} data-label={header[i + 2]}>
                    {report.total[k] ?? '—'}
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
        </div>
      </section>
      <section class="card" aria-labelledby="summary-chart-h">
        <h2 id="summary-chart-h">{header[2]}</h2>
        <div class="bars" role="list">
          {report.rows.map((r) => (
            <div class="bar" role="listitem" key={label(r)}>
              <span>{label(r)}</span>
              <svg aria-hidden="true" width="100%" height="14">
                <rect width={`${(100 * r.reported) / most}%`} height="14" rx="2" class="fill" />
              </svg>
              <span>{r.reported}</span>
            </div>
          ))}
        </div>
      </section>
    </>
  );
}
