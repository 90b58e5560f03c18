import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient, Problem } from '../api';
import type { operations } from '../api/schema';
import { useApp, useSession } from '../app-context';
import { BASE_PATH } from '../config';
import { describeCaseFinding, describeDigestProblem } from '../digest-findings';
import { useT } from '../i18n';
import type { Session } from '../session';
import { formatTime, legalNow } from '../time';
import { Alert, problemText } from '../ui';

type Verification = operations['verifyDigests']['responses'][200]['content']['application/json'];
type RewrittenCase = Verification['rewritten'][number];
type DigestWritten = operations['writeDigest']['responses'][200]['content']['application/json'];

/**
 * A healthy chain ends at the start of the current UTC day (the daily digest, written at 00:15): up to a
 * day and a quarter of an hour old. Half a day more leaves room for a retried run before the page warns
 * that digests may have been removed.
 */
const STALE_AFTER_MS = 36 * 3_600_000;

/** Who may write a digest now: city-wide officers (POST /digests). */
function mayAnchor(session: Session): boolean {
  return session.role === 'officer' && session.city;
}

/** The verification so far, over every answer of one run. */
interface Tally {
  answers: number;
  checked: number;
  rewritten: RewrittenCase[];
  /** The latest answer: the digests are checked whole in each one. */
  latest?: Verification;
  /** Where the next answer goes on from. */
  after?: string;
}

type VerificationRun = Tally &
  (
    | { phase: 'running' }
    | { phase: 'done' }
    /** The server ran out of time before it checked one case: the person may ask it to go on. */
    | { phase: 'stopped' }
    | { phase: 'failed'; status?: number; problem?: Problem; message: string }
  );

const NOTHING_YET: Tally = { answers: 0, checked: 0, rewritten: [] };

/**
 * Runs `GET /digests/verification` and follows `cases.lastCaseId` until the answer is complete; each
 * answer updates the tally so the page shows the progress. A new run abandons the one before it.
 */
function useDigestVerification(api: ApiClient): [VerificationRun, (from?: Tally) => void] {
  const [run, setRun] = useState<VerificationRun>({ ...NOTHING_YET, phase: 'running' });
  const generation = useRef(0);
  const start = (from: Tally = NOTHING_YET) => {
    generation.current += 1;
    const mine = generation.current;
    let tally = from;
    setRun({ ...tally, phase: 'running' });
    void (async () => {
      try {
        for (;;) {
          const got = await api.GET('/digests/verification', {
            params: { query: tally.after ? { after: tally.after } : {} },
          });
          if (mine !== generation.current) return;
          if (!got.data) {
            setRun({
              ...tally,
              phase: 'failed',
              status: got.response.status,
              message: `HTTP ${got.response.status}`,
              problem: got.error,
            });
            return;
          }
          const answer = got.data;
          tally = {
            answers: tally.answers + 1,
            checked: tally.checked + answer.cases.checked,
            rewritten: [...tally.rewritten, ...answer.rewritten],
            latest: answer,
            after: answer.cases.lastCaseId ?? tally.after,
          };
          if (answer.cases.complete) return setRun({ ...tally, phase: 'done' });
          if (!answer.cases.lastCaseId) return setRun({ ...tally, phase: 'stopped' });
          setRun({ ...tally, phase: 'running' });
        }
      } catch (error) {
        if (mine === generation.current)
          setRun({ ...tally, phase: 'failed', message: error instanceof Error ? error.message : String(error) });
      }
    })();
  };
  useEffect(() => {
    start();
    return () => {
      generation.current += 1;
    };
  }, [api]);
  return [run, start];
}

/** 记录锚定: the table's histories checked against the signed digests, anchoring now, the public key. */
export function Digests() {
  const { api } = useApp();
  const session = useSession();
  const tr = useT();
  const [run, verify] = useDigestVerification(api);
  const refused = run.phase === 'failed' && run.status === 403;
  return (
    <>
      <h1>{tr.t('digests')}</h1>
      <p class="lead">{tr.t('digestsIntro')}</p>
      <VerificationSummary run={run} onVerify={verify} />
      {mayAnchor(session) && <AnchorNow onAnchored={() => verify()} busy={run.phase === 'running'} />}
      <Findings run={run} />
      {run.latest && run.latest.digests.items.length > 0 && <DigestList items={run.latest.digests.items} />}
      {!refused && <PublicKey />}
    </>
  );
}

function VerificationSummary({ run, onVerify }: { run: VerificationRun; onVerify: (from?: Tally) => void }) {
  const tr = useT();
  const latest = run.latest;
  const problems = (latest?.digestProblems.length ?? 0) + run.rewritten.length;
  const latestEnd = latest?.digests.latestPeriodEnd;
  const stale = latestEnd !== undefined && legalNow() - Date.parse(latestEnd) > STALE_AFTER_MS;
  let verdict;
  if (run.phase === 'running')
    verdict = (
      <div class="verifying">
        <p>{tr.t('verifying', { checked: run.checked, answers: run.answers + 1 })}</p>
        <progress aria-label={tr.t('verification')} />
      </div>
    );
  else if (run.phase === 'failed')
    verdict = (
      <Alert>
        {`${tr.t('error')}: ${run.problem ? problemText(run.problem, tr) : run.message}`}
        {run.status === 403 && <p class="alert-more">{tr.t('digestsCityWide')}</p>}
      </Alert>
    );
  else if (problems > 0) verdict = <Alert>{tr.t('problemsFound', { count: problems })}</Alert>;
  else if (run.phase === 'stopped')
    verdict = <Alert kind="info">{tr.t('verifyIncomplete', { checked: run.checked })}</Alert>;
  else if (latest?.digests.stored === 0) verdict = <Alert kind="info">{tr.t('noDigests')}</Alert>;
  else
    verdict = (
      <Alert kind="ok">✓ {tr.t('allGood', { verified: latest?.digests.verified ?? 0, checked: run.checked })}</Alert>
    );
  const canContinue = (run.phase === 'stopped' || run.phase === 'failed') && run.answers > 0;
  return (
    <section class="card" aria-labelledby="verification-h" data-testid="verification">
      <h2 id="verification-h">{tr.t('verification')}</h2>
      <div role="status" aria-live="polite">
        {verdict}
      </div>
      {latest && (
        <dl class="figures">
          <div>
            <dt>{tr.t('digestsStored')}</dt>
            <dd>{latest.digests.stored}</dd>
          </div>
          <div>
            <dt>{tr.t('digestsVerified')}</dt>
            <dd>{latest.digests.verified}</dd>
          </div>
          <div>
            <dt>{tr.t('latestPeriodEnd')}</dt>
            <dd>{latestEnd ? <time dateTime={latestEnd}>{formatTime(latestEnd, tr.lang)}</time> : '—'}</dd>
          </div>
          <div>
            <dt>{tr.t('casesChecked')}</dt>
            <dd>{run.checked}</dd>
          </div>
        </dl>
      )}
      {stale && latestEnd && <Alert kind="info">{tr.t('chainStale', { time: formatTime(latestEnd, tr.lang) })}</Alert>}
      <div class="row">
        <button type="button" class="secondary" disabled={run.phase === 'running'} onClick={() => onVerify()}>
          {tr.t('verifyAgain')}
        </button>
        {canContinue && (
          <button type="button" class="secondary" onClick={() => onVerify(run)}>
            {tr.t('verifyContinue')}
          </button>
        )}
      </div>
    </section>
  );
}

function AnchorNow({ onAnchored, busy }: { onAnchored: () => void; busy: boolean }) {
  const { api } = useApp();
  const tr = useT();
  const [state, setState] = useState<
    | { phase: 'idle' }
    | { phase: 'anchoring' }
    | { phase: 'done'; written: DigestWritten }
    | { phase: 'failed'; problem?: Problem; message: string }
  >({ phase: 'idle' });
  const anchor = async () => {
    setState({ phase: 'anchoring' });
    try {
      const got = await api.POST('/digests', {});
      if (!got.data) {
        setState({ phase: 'failed', problem: got.error, message: `HTTP ${got.response.status}` });
        return;
      }
      setState({ phase: 'done', written: got.data });
      onAnchored();
    } catch (error) {
      setState({ phase: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  };
  let outcome;
  if (state.phase === 'done') {
    const { written } = state;
    const values = {
      key: written.key,
      sequence: written.sequence,
      from: written.periodStart ? formatTime(written.periodStart, tr.lang) : tr.t('chainStart'),
      to: formatTime(written.periodEnd, tr.lang),
      heads: written.heads,
    };
    outcome = (
      <Alert kind={written.written ? 'ok' : 'info'}>
        {tr.t(written.written ? 'anchorWritten' : 'anchorNotWritten', values)}
      </Alert>
    );
  } else if (state.phase === 'failed')
    outcome = <Alert>{`${tr.t('error')}: ${state.problem ? problemText(state.problem, tr) : state.message}`}</Alert>;
  return (
    <section class="card" aria-labelledby="anchor-h">
      <h2 id="anchor-h">{tr.t('anchorNow')}</h2>
      <p class="field-hint" id="anchor-hint">
        {tr.t('anchorHint')}
      </p>
      <div aria-live="polite">{outcome}</div>
      <button
        type="button"
        aria-describedby="anchor-hint"
        disabled={state.phase === 'anchoring' || busy}
        onClick={() => void anchor()}
      >
        {state.phase === 'anchoring' ? tr.t('anchoring') : tr.t('anchorNow')}
      </button>
    </section>
  );
}

function Findings({ run }: { run: VerificationRun }) {
  const tr = useT();
  const digestProblems = run.latest?.digestProblems ?? [];
  if (run.rewritten.length === 0 && digestProblems.length === 0) return null;
  return (
    <section class="card" aria-labelledby="findings-h" data-testid="findings">
      <h2 id="findings-h">{tr.t('findings')}</h2>
      {run.rewritten.length > 0 && (
        <>
          <h3>
            {tr.t('casesRewritten')} <span class="count">{run.rewritten.length}</span>
          </h3>
          <ul class="findings">
            {run.rewritten.map((finding) => {
              const described = describeCaseFinding(finding.reason, tr.lang);
              return (
                <li key={finding.caseId} class="finding" data-case-id={finding.caseId}>
                  <p class="finding-head">
                    <a href={`${BASE_PATH}/cases/${encodeURIComponent(finding.caseId)}`}>{finding.caseId}</a>
                    <span class="badge badge-bad">{described.title}</span>
                  </p>
                  <p>{described.text}</p>
                  <p class="finding-meta">
                    {tr.t('anchoredBy', {
                      digest: finding.anchored.digest,
                      time: formatTime(finding.anchored.writtenAt, tr.lang),
                      seq: finding.anchored.seq,
                    })}
                  </p>
                  {described.text !== finding.reason && <ApiReason reason={finding.reason} />}
                </li>
              );
            })}
          </ul>
        </>
      )}
      {digestProblems.length > 0 && (
        <>
          <h3>
            {tr.t('digestsWithProblems')} <span class="count">{digestProblems.length}</span>
          </h3>
          <ul class="findings">
            {digestProblems.map((problem, index) => {
              const described = describeDigestProblem(problem.reason, tr.lang);
              return (
                <li key={`${problem.key}-${index}`} class="finding">
                  <p class="finding-head">
                    <code>{problem.key}</code>
                    <span class="badge badge-bad">{described.title}</span>
                  </p>
                  <p>{described.text}</p>
                  {described.text !== problem.reason && <ApiReason reason={problem.reason} />}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}

type DigestItem = Verification['digests']['items'][number];

/** How many digests the list shows before the person asks for all of them (newest first). */
const DIGESTS_SHOWN = 30;

/** Each stored digest, newest first: its period, the cases it anchors, whether it holds. */
function DigestList({ items }: { items: DigestItem[] }) {
  const tr = useT();
  const [all, setAll] = useState(false);
  const newestFirst = [...items].reverse();
  const shown = all ? newestFirst : newestFirst.slice(0, DIGESTS_SHOWN);
  const time = (at: string | null | undefined) =>
    at ? <time dateTime={at}>{formatTime(at, tr.lang)}</time> : at === null ? tr.t('chainStart') : '—';
  return (
    <section class="card" aria-labelledby="digest-list-h" data-testid="digest-list">
      <h2 id="digest-list-h">{tr.t('digestList')}</h2>
      <table class="cases digests">
        <caption class="visually-hidden">{tr.t('digestList')}</caption>
        <thead>
          <tr>
            <th scope="col">{tr.t('digestSequence')}</th>
            <th scope="col">{tr.t('digestPeriod')}</th>
            <th scope="col">{tr.t('digestHeads')}</th>
            <th scope="col">{tr.t('digestState')}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((item) => (
            <tr key={item.key} data-key={item.key}>
              <td data-label={tr.t('digestSequence')}>{item.sequence ?? <code>{item.key}</code>}</td>
              <td data-label={tr.t('digestPeriod')}>
                {item.periodEnd ? (
                  <>
                    {time(item.periodStart)} – {time(item.periodEnd)}
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td data-label={tr.t('digestHeads')}>{item.heads ?? '—'}</td>
              <td data-label={tr.t('digestState')}>
                <span class={`badge ${item.holds ? 'badge-ok' : 'badge-bad'}`}>
                  {item.holds ? `✓ ${tr.t('digestHolds')}` : `✗ ${tr.t('digestBroken')}`}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!all && newestFirst.length > DIGESTS_SHOWN && (
        <button type="button" class="secondary" onClick={() => setAll(true)}>
          {tr.t('digestShowAll', { count: newestFirst.length })}
        </button>
      )}
    </section>
  );
}

/** The API's own sentence, kept beside the translation for the record. */
function ApiReason({ reason }: { reason: string }) {
  const tr = useT();
  return (
    <details class="finding-meta">
      <summary>{tr.t('apiReason')}</summary>
      <code lang="en">{reason}</code>
    </details>
  );
}

const OPENSSL_CHECK = 'openssl dgst -sha256 -verify digest-key.pem -signature digest.sig digest.json';

function PublicKey() {
  const { api } = useApp();
  const tr = useT();
  const [failure, setFailure] = useState<{ problem?: Problem; message: string }>();
  const download = async () => {
    setFailure(undefined);
    try {
      const got = await api.GET('/digests/public-key');
      if (!got.data) {
        setFailure({ problem: got.error, message: `HTTP ${got.response.status}` });
        return;
      }
      const url = URL.createObjectURL(new Blob([got.data.publicKeyPem], { type: 'application/x-pem-file' }));
      Object.assign(document.createElement('a'), { href: url, download: 'digest-key.pem' }).click();
      URL.revokeObjectURL(url);
    } catch (error) {
      setFailure({ message: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <section class="card" aria-labelledby="public-key-h">
      <h2 id="public-key-h">{tr.t('publicKey')}</h2>
      <p>{tr.t('publicKeyHint')}</p>
      <pre class="command">
        <code>{OPENSSL_CHECK}</code>
      </pre>
      <p>{tr.t('publicKeyVerified')}</p>
      {failure && (
        <Alert>{`${tr.t('error')}: ${failure.problem ? problemText(failure.problem, tr) : failure.message}`}</Alert>
      )}
      <button type="button" class="secondary" onClick={() => void download()}>
        {tr.t('downloadPublicKey')}
      </button>
    </section>
  );
}
