import { useState } from 'preact/hooks';
import type { ActionName } from '#domain/lifecycle';
import { isTerminal } from '#domain/lifecycle';
import type { CaseStatus } from '#domain/vocabulary';
import { CASE_STATUSES } from '#domain/vocabulary';
import type { ActionForm } from '../actions';
import { actionForm, allowedActions } from '../actions';
import type { CaseDocument, CaseEmail, CaseEvent, CaseView } from '../api';
import { fieldErrors } from '../api';
import type { EvidenceFile, EvidenceMismatch } from '../evidence';
import { citedEvidence, EvidencePicker, EvidenceSection } from '../evidence';
import { useApp, useSession } from '../app-context';
import type { Translator } from '../i18n';
import { useT } from '../i18n';
import { formatDate, formatTime } from '../time';
import {
  Alert,
  Countdown,
  EmailAddress,
  Field,
  Loading,
  StatusBadge,
  formValues,
  ProblemError,
  problemText,
  useLoad,
} from '../ui';

interface Loaded {
  view: CaseView;
  etag: string;
  events: CaseEvent[];
  emails: CaseEmail[];
  documents: CaseDocument[];
  evidence: EvidenceFile[];
  evidenceMismatched: EvidenceMismatch[];
  verification: { ok: true; count: number } | { ok: false; brokenAt: number; reason: string } | undefined;
}

/** The case: facts, where it stands in the procedure, its deadlines and history, and what this person may do. */
export function CasePage({ id }: { id: string }) {
  const { api } = useApp();
  const tr = useT();
  const [loaded, reload] = useLoad<Loaded>(async () => {
    const emailsLoaded = api.GET('/cases/{id}/emails', { params: { path: { id } } });
    const documentsLoaded = api.GET('/cases/{id}/documents', { params: { path: { id } } });
    const evidenceLoaded = api.GET('/cases/{id}/evidence', { params: { path: { id } } });
    const got = await api.GET('/cases/{id}', { params: { path: { id } } });
    if (!got.data) throw new ProblemError(got.error, got.response.status);
    const events: CaseEvent[] = [];
    let cursor: string | undefined;
    let verification: Loaded['verification'];
    let evidenceMismatched: EvidenceMismatch[] = [];
    do {
      const page = await api.GET('/cases/{id}/history', {
        params: { path: { id }, query: { verify: 'true', ...(cursor ? { cursor } : {}) } },
      });
      if (!page.data) throw new ProblemError(page.error, page.response.status);
      events.push(...page.data.items);
      verification ??= page.data.verification;
      if (!cursor) evidenceMismatched = page.data.evidenceVerification?.mismatched ?? [];
      cursor = page.data.cursor;
    } while (cursor);
    const mail = await emailsLoaded;
    if (!mail.data) throw new ProblemError(mail.error, mail.response.status);
    const documents = await documentsLoaded;
    if (!documents.data) throw new ProblemError(documents.error, documents.response.status);
    const files = await evidenceLoaded;
    if (!files.data) throw new ProblemError(files.error, files.response.status);
    return {
      evidence: files.data.items,
      evidenceMismatched,
      view: got.data,
      etag: got.response.headers.get('etag') ?? `"${got.data.version}"`,
      events,
      emails: mail.data.items,
      documents: documents.data.items,
      verification,
    };
  }, [id]);

  return (
    <Loading loaded={loaded}>
      {({ view, etag, events, emails, documents, evidence, evidenceMismatched, verification }) => (
        <article class="case">
          <header class="case-head">
            <h1>
              {tr.t('id')} {view.id}
            </h1>
            <StatusBadge status={view.status} />
            <ChainBadge verification={verification} events={events} />
            <button type="button" class="secondary" onClick={reload}>
              {tr.t('reload')}
            </button>
          </header>
          <div class="case-grid">
            <Facts view={view} />
            <Deadlines view={view} />
          </div>
          <Lifecycle view={view} />
          <Documents caseId={view.id} documents={documents} />
          <EvidenceSection
            caseId={view.id}
            files={evidence}
            events={events}
            mismatched={evidenceMismatched}
            onChange={reload}
          />
          <Actions view={view} etag={etag} reload={reload} evidence={evidence} />
          <Timeline events={events} />
          <Emails emails={emails} />
        </article>
      )}
    </Loading>
  );
}

function ChainBadge({ verification, events }: { verification: Loaded['verification']; events: CaseEvent[] }) {
  const tr = useT();
  if (!verification) return null;
  if (verification.ok)
    return (
      <span class="badge badge-ok" data-testid="chain">
        ✓ {tr.t('chainOk')}
      </span>
    );
  const broken = events.find((e) => e.seq === verification.brokenAt);
  return (
    <span class="badge badge-bad" data-testid="chain" title={verification.reason}>
      ✗ {tr.t('chainBroken', { seq: verification.brokenAt })}
      {broken ? ` · ${tr.event(broken.type)}` : ''}
    </span>
  );
}

/**
 * How a document was served, or that it is issued but not yet served (its periods wait for the service) and,
 * while the workflow waits for it, by when the office is to record it.
 */
function serviceText(service: CaseView['decisionService'], tr: ReturnType<typeof useT>, awaitedBy?: string): string {
  if (!service)
    return awaitedBy ? tr.t('notServedAwaited', { date: formatTime(awaitedBy, tr.lang) }) : tr.t('notServed');
  const served = tr.t('servedAs', {
    method: tr.term(service.method),
    date: formatDate(service.servedOn, tr.lang),
    receiver: service.receiver ?? service.publishedIn ?? '—',
  });
  return service.effectiveOn && service.effectiveOn !== service.servedOn
    ? served + tr.t('servedTakesEffect', { date: formatDate(service.effectiveOn, tr.lang) })
    : served;
}

function Facts({ view }: { view: CaseView }) {
  const tr = useT();
  const rows: [string, string][] = [
    [tr.t('address'), `${view.location.subdistrict} ${view.location.community} ${view.location.address}`],
    [tr.t('category'), tr.term(view.category)],
    [tr.t('severity'), tr.term(view.severity)],
    [tr.t('area'), String(view.areaM2)],
    [tr.t('description'), view.description],
    [
      tr.t('responsibleParty'),
      `${view.responsibleParty.name}${view.responsibleParty.unit ? `（${view.responsibleParty.unit}）` : ''} ${view.responsibleParty.phone}`,
    ],
    [tr.t('reportedAt'), formatTime(view.reportedAt, tr.lang)],
  ];
  const awaitedBy = view.pendingCallback?.kind === 'service' ? view.pendingCallback.dueAt : undefined;
  if (view.notice) {
    rows.push([tr.t('noticeNumber'), view.notice.number]);
    rows.push([
      tr.t('noticeService'),
      serviceText(view.notice.service, tr, view.status === 'NOTICE_ISSUED' ? awaitedBy : undefined),
    ]);
  }
  if (view.deadlines.announcement || view.decisionService)
    rows.push([
      tr.t('decisionService'),
      serviceText(view.decisionService, tr, view.status === 'ENFORCEMENT_DECIDED' ? awaitedBy : undefined),
    ]);
  if (view.attention)
    rows.push([tr.t('attention'), `${view.attention.reason} (${formatTime(view.attention.at, tr.lang)})`]);
  return (
    <section class="card" aria-labelledby="facts-h">
      <h2 id="facts-h">{tr.t('facts')}</h2>
      <dl class="facts">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

const DEADLINE_NAMES: Record<string, [string, string]> = {
  persuasion: ['督促自行拆除期限', 'Persuasion'],
  notice: ['限期拆除期限', 'Notice deadline'],
  inspection: ['复查期限', 'Inspection'],
  urge: ['催告期限', 'Urge period'],
  announcement: ['公告期限', 'Announcement'],
  reconsideration: ['行政复议期限', 'Reconsideration window'],
  litigation: ['行政诉讼期限', 'Litigation window'],
  enforcement: ['强制拆除日期', 'Enforcement date'],
  service: ['送达录入期限', 'Service to be recorded by'],
};

function Deadlines({ view }: { view: CaseView }) {
  const tr = useT();
  const entries = Object.entries(view.deadlines).filter(
    (entry): entry is [string, { date: string; at: string; provisional: boolean }] => entry[1] !== undefined,
  );
  return (
    <section class="card" aria-labelledby="deadlines-h">
      <h2 id="deadlines-h">{tr.t('deadlines')}</h2>
      {entries.length === 0 ? (
        <p>{tr.t('nothing')}</p>
      ) : (
        <ul class="deadlines">
          {entries.map(([name, d]) => (
            <li key={name}>
              <span>
                {Object.hasOwn(DEADLINE_NAMES, name)
                  ? (DEADLINE_NAMES[name] as [string, string])[tr.lang === 'zh' ? 0 : 1]
                  : name}
              </span>{' '}
              <time dateTime={d.at}>{formatDate(d.date, tr.lang)}</time>{' '}
              {!isTerminal(view.status) && view.dueAt === d.at ? (
                <Countdown at={d.at} provisional={d.provisional} />
              ) : d.provisional ? (
                <em>({tr.t('provisional')})</em>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The procedure's main line, with the side states shown where the case went through them. */
function Lifecycle({ view }: { view: CaseView }) {
  const tr = useT();
  const visited = new Set(Object.keys(view.milestones));
  const main: CaseStatus[] = [
    'REPORTED',
    'NOTICE_ISSUED',
    'AWAITING_INSPECTION',
    'ESCALATED',
    'ENFORCEMENT_DECIDED',
    'ENFORCEMENT_SCHEDULED',
    'ENFORCED',
    'CLOSED',
  ];
  const shown = CASE_STATUSES.filter((s) => main.includes(s) || visited.has(s) || s === view.status);
  return (
    <section class="card" aria-labelledby="lifecycle-h">
      <h2 id="lifecycle-h">{tr.t('lifecycle')}</h2>
      <ol class="lifecycle">
        {shown.map((s) => (
          <li
            key={s}
            class={s === view.status ? 'current' : visited.has(s) ? 'visited' : ''}
            aria-current={s === view.status ? 'step' : undefined}
          >
            {tr.status(s)}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Actions({
  view,
  etag,
  reload,
  evidence,
}: {
  view: CaseView;
  etag: string;
  reload: () => void;
  evidence: EvidenceFile[];
}) {
  const session = useSession();
  const tr = useT();
  const forms = [...allowedActions(view.status, session.role)]
    .map(([action, outcomes]) => actionForm(action, outcomes, tr))
    .filter((f): f is ActionForm => f !== undefined);
  return (
    <section class="card" aria-labelledby="actions-h">
      <h2 id="actions-h">{tr.t('actions')}</h2>
      {forms.length === 0 ? (
        <p data-testid="no-actions">{tr.t('noActions')}</p>
      ) : (
        forms.map((form) => (
          <ActionPanel key={form.action} form={form} view={view} etag={etag} reload={reload} evidence={evidence} />
        ))
      )}
    </section>
  );
}

function ActionPanel({
  form,
  view,
  etag,
  reload,
  evidence,
}: {
  form: ActionForm;
  view: CaseView;
  etag: string;
  reload: () => void;
  evidence: EvidenceFile[];
}) {
  const { api } = useApp();
  const tr = useT();
  const [errors, setErrors] = useState(new Map<string, string>());
  const [message, setMessage] = useState<{ kind: 'error' | 'conflict'; text: string }>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const element = event.currentTarget as HTMLFormElement;
    const cited = citedEvidence(element);
    const body = { ...formValues(element, form.fields), ...(cited.length > 0 ? { evidenceIds: cited } : {}) };
    const result = await form.send(api, view.id, etag, body).finally(() => setBusy(false));
    if (result.data) return reload();
    const problem = result.error;
    setErrors(fieldErrors(problem));
    if (problem?.type.endsWith('version-conflict')) setMessage({ kind: 'conflict', text: tr.t('conflict') });
    else
      setMessage({
        kind: 'error',
        text: problem?.errors?.length
          ? tr.t('fixFields')
          : problemText(problem, tr) || `HTTP ${result.response.status}`,
      });
  };
  const title = form.title[tr.lang === 'zh' ? 0 : 1];
  return (
    <details class="action" open={message !== undefined || undefined}>
      <summary>{title}</summary>
      <form onSubmit={(e) => void submit(e)} noValidate aria-label={title} data-action={form.action as ActionName}>
        {message && (
          <Alert>
            {message.text}{' '}
            {message.kind === 'conflict' && (
              <button type="button" onClick={reload}>
                {tr.t('reload')}
              </button>
            )}
          </Alert>
        )}
        {form.fields.map((spec) => (
          <Field key={spec.name} spec={spec} error={errors.get(spec.name)} idPrefix={form.action} />
        ))}
        {form.cites && (
          <EvidencePicker
            files={evidence}
            stages={form.cites}
            idPrefix={form.action}
            error={[...errors].find(([field]) => field.startsWith('evidenceIds'))?.[1]}
          />
        )}
        <button type="submit" disabled={busy}>
          {tr.t('submit')}
        </button>
      </form>
    </details>
  );
}

function readable(value: unknown, tr: Translator): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return formatTime(value, tr.lang);
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value, tr.lang);
    return tr.term(value);
  }
  if (typeof value === 'boolean') return value ? (tr.lang === 'zh' ? '是' : 'yes') : tr.lang === 'zh' ? '否' : 'no';
  return String(value);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A deadline as events record it ({date, at, provisional}): one line, the way people say it. */
function deadlineText(value: Record<string, unknown>, tr: Translator): string | undefined {
  if (typeof value.date !== 'string' || typeof value.at !== 'string') return undefined;
  return `${formatTime(value.at, tr.lang)}${value.provisional === true ? ` (${tr.t('provisional')})` : ''}`;
}

/** A period as policy states it ({amount, unit}): “7 自然日”. */
function periodText(value: Record<string, unknown>, tr: Translator): string | undefined {
  if (typeof value.amount !== 'number' || typeof value.unit !== 'string' || Object.keys(value).length !== 2)
    return undefined;
  return `${value.amount} ${tr.term(value.unit)}`;
}

/** An event's fact: plain values as text, records as a nested list of their facts, each name translated. */
function DataValue({ value }: { value: unknown }) {
  const tr = useT();
  if (Array.isArray(value)) {
    if (value.length === 0) return <>—</>;
    if (!value.some(isRecord)) return <>{value.map((v) => readable(v, tr)).join('、')}</>;
    return (
      <ol class="event-list">
        {value.map((v, i) => (
          <li key={i}>
            <DataValue value={v} />
          </li>
        ))}
      </ol>
    );
  }
  if (isRecord(value)) {
    const short = deadlineText(value, tr) ?? periodText(value, tr);
    if (short) return <>{short}</>;
    return <DataList data={value} />;
  }
  return <>{readable(value, tr)}</>;
}

function DataList({ data }: { data: Record<string, unknown> }) {
  const tr = useT();
  return (
    <dl class="event-data">
      {Object.entries(data).map(([k, v]) => (
        <div key={k}>
          <dt>{tr.key(k)}</dt>
          <dd>
            <DataValue value={v} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Timeline({ events }: { events: CaseEvent[] }) {
  const tr = useT();
  return (
    <section class="card" aria-labelledby="timeline-h" data-testid="timeline">
      <h2 id="timeline-h">{tr.t('timeline')}</h2>
      <ol class="timeline">
        {[...events].reverse().map((e) => (
          <li key={e.seq}>
            <div class="timeline-head">
              <strong>{tr.event(e.type)}</strong> <StatusBadge status={e.status} />
            </div>
            <div class="timeline-meta">
              <time dateTime={e.at}>{formatTime(e.at, tr.lang)}</time> ·{' '}
              {e.actor.role === 'system' ? tr.t('system') : `${tr.term(e.actor.role)} ${e.actor.sub}`} · #{e.seq}
            </div>
            {Object.keys(e.data).length > 0 && <DataList data={e.data} />}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The documents' English names; the console shows each document's own Chinese title beside them. */
const DOCUMENT_NAMES_EN: Record<CaseDocument['kind'], string> = {
  notice: 'Rectification notice',
  demand: 'Demand',
  decision: 'Enforcement decision',
  announcement: 'Demolition announcement',
};

function documentServiceText(document: CaseDocument, tr: Translator): string {
  const { service } = document;
  if (service.state === 'served')
    return tr.t('documentServed', { date: service.servedOn ? formatDate(service.servedOn, tr.lang) : '' });
  return tr.t(service.state === 'unserved' ? 'documentUnserved' : 'documentServiceNotRecorded');
}

/** The papers issued on the case, whether each was served, and its PDF through a short-lived link. */
function Documents({ caseId, documents }: { caseId: string; documents: CaseDocument[] }) {
  const { api } = useApp();
  const tr = useT();
  const [failed, setFailed] = useState<string | undefined>();
  async function download(number: string) {
    setFailed(undefined);
    const link = await api.GET('/cases/{id}/documents/{number}/download', {
      params: { path: { id: caseId, number } },
    });
    // The link lives a minute: it is asked for on the click and followed at once.
    if (link.data) window.location.assign(link.data.url);
    else setFailed(number);
  }
  return (
    <section class="card" aria-labelledby="documents-h" data-testid="documents">
      <h2 id="documents-h">{tr.t('documents')}</h2>
      {documents.length === 0 ? (
        <p class="empty">{tr.t('noDocuments')}</p>
      ) : (
        <table class="cases documents">
          <caption class="visually-hidden">{tr.t('documents')}</caption>
          <thead>
            <tr>
              <th scope="col">{tr.t('documentTitle')}</th>
              <th scope="col">{tr.t('documentNumber')}</th>
              <th scope="col">{tr.t('issuedAt')}</th>
              <th scope="col">{tr.t('documentService')}</th>
              <th scope="col">{tr.t('documentFile')}</th>
            </tr>
          </thead>
          <tbody>
            {documents.map((document) => (
              <tr key={document.number}>
                <td data-label={tr.t('documentTitle')}>
                  {tr.lang === 'en' ? `${DOCUMENT_NAMES_EN[document.kind]} (${document.title})` : document.title}
                </td>
                <td data-label={tr.t('documentNumber')}>{document.number}</td>
                <td data-label={tr.t('issuedAt')}>
                  <time dateTime={document.issuedAt}>{formatTime(document.issuedAt, tr.lang)}</time>
                </td>
                <td data-label={tr.t('documentService')}>
                  <span
                    class={`badge ${document.service.state === 'served' ? 'badge-ok' : document.service.state === 'unserved' ? 'badge-open' : ''}`}
                  >
                    {documentServiceText(document, tr)}
                  </span>
                </td>
                <td data-label={tr.t('documentFile')}>
                  <button
                    type="button"
                    class="secondary"
                    aria-label={`${tr.t('download')} ${document.fileName}`}
                    onClick={() => void download(document.number)}
                  >
                    {tr.t('download')}
                  </button>{' '}
                  <span class="count" title={document.sha256}>
                    {document.sha256.slice(0, 12)}… · {Math.ceil(document.size / 1024)} KB
                  </span>
                  {failed === document.number && <div class="count">{tr.t('downloadFailed')}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const BAD_MAIL_STATUSES = new Set<CaseEmail['status']>(['FAILED', 'UNCONFIRMED', 'BOUNCED', 'COMPLAINED']);

/** What was sent about the case, to whom, and whether it went: the office's copy of the case's mail. */
function Emails({ emails }: { emails: CaseEmail[] }) {
  const tr = useT();
  return (
    <section class="card" aria-labelledby="emails-h" data-testid="emails">
      <h2 id="emails-h">{tr.t('emails')}</h2>
      {emails.length === 0 ? (
        <p class="empty">{tr.t('noEmails')}</p>
      ) : (
        <table class="cases emails">
          <caption class="visually-hidden">{tr.t('emails')}</caption>
          <thead>
            <tr>
              <th scope="col">{tr.t('mailKind')}</th>
              <th scope="col">{tr.t('subject')}</th>
              <th scope="col">{tr.t('recipient')}</th>
              <th scope="col">{tr.t('mailStatus')}</th>
              <th scope="col">{tr.t('recordedAt')}</th>
              <th scope="col">{tr.t('sentAt')}</th>
            </tr>
          </thead>
          <tbody>
            {emails.map((mail) => (
              <tr key={mail.id}>
                <td data-label={tr.t('mailKind')}>{tr.mailKind(mail.kind)}</td>
                <td data-label={tr.t('subject')} class="subject">
                  {mail.subject}
                </td>
                <td data-label={tr.t('recipient')} class="recipient">
                  <EmailAddress address={mail.to} />
                </td>
                <td data-label={tr.t('mailStatus')}>
                  <span
                    class={`badge ${mail.status === 'SENT' ? 'badge-ok' : BAD_MAIL_STATUSES.has(mail.status) ? 'badge-bad' : 'badge-open'}`}
                  >
                    {tr.mailStatus(mail.status)}
                  </span>
                  {mail.attempts > 1 && (
                    <span class="count">
                      {' '}
                      · {tr.t('attempts')} {mail.attempts}
                    </span>
                  )}
                  {mail.possibleRepeat && <span class="count"> · {tr.t('possibleRepeat')}</span>}
                  {mail.lastError && mail.status !== 'SENT' && <div class="count">{mail.lastError}</div>}
                </td>
                <td data-label={tr.t('recordedAt')}>
                  <time dateTime={mail.createdAt}>{formatTime(mail.createdAt, tr.lang)}</time>
                </td>
                <td data-label={tr.t('sentAt')}>
                  {mail.sentAt ? <time dateTime={mail.sentAt}>{formatTime(mail.sentAt, tr.lang)}</time> : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
