import { BASE_PATH } from './config';
import type { CaseSummary } from './api';
import { useT } from './i18n';
import { formatTime } from './time';
import { Countdown, StatusBadge } from './ui';

/** Cases as a table that becomes a list of cards on a phone. */
export function CaseTable({ cases, caption }: { cases: CaseSummary[]; caption: string }) {
  const tr = useT();
  if (cases.length === 0) return <p class="empty">{tr.t('nothing')}</p>;
  return (
    <table class="cases">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{tr.t('id')}</th>
          <th scope="col">{tr.t('status')}</th>
          <th scope="col">{tr.t('address')}</th>
          <th scope="col">{tr.t('due')}</th>
          <th scope="col">{tr.t('reportedAt')}</th>
        </tr>
      </thead>
      <tbody>
        {cases.map((c) => (
          <tr key={c.id}>
            <td data-label={tr.t('id')}>
              <a href={`${BASE_PATH}/cases/${encodeURIComponent(c.id)}`}>{c.id}</a>
              {c.attention && (
                <span class="badge badge-bad" title={c.attention.reason}>
                  !
                </span>
              )}
            </td>
            <td data-label={tr.t('status')}>
              <StatusBadge status={c.status} />
            </td>
            <td data-label={tr.t('address')}>
              {c.location.community} {c.location.address}
            </td>
            <td data-label={tr.t('due')}>
              {c.dueAt ? (
                <>
                  <time dateTime={c.dueAt}>{formatTime(c.dueAt, tr.lang)}</time> <Countdown at={c.dueAt} />
                </>
              ) : (
                '—'
              )}
            </td>
            <td data-label={tr.t('reportedAt')}>{formatTime(c.reportedAt, tr.lang)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
