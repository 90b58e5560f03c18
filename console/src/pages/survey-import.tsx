import { useState } from 'preact/hooks';
import type { BatchFailure, CaseBatchApi, ImportOutcome } from '#domain/survey-import';
import { ImportRefusedError, importRows } from '#domain/survey-import';
import type { ParsedSurvey, RowError } from '#domain/survey-file';
import { readSurvey } from '#domain/survey-file';
import type { ApiClient, Problem } from '../api';
import { useApp } from '../app-context';
import { BASE_PATH } from '../config';
import type { Translator } from '../i18n';
import { useT } from '../i18n';
import { legalNow } from '../time';
import { Alert, problemText } from '../ui';

/** Batches in flight at once, as `rectify import` sends by default. */
const CONCURRENCY = 4;

/** A problem answer of `POST /case-batches`, as the importer reads refusals. */
class BatchRefused extends Error implements BatchFailure {
  override readonly name = 'BatchRefused';
  constructor(
    readonly status: number,
    readonly problem: Problem | Record<string, never>,
  ) {
    super(`${status} ${'title' in problem ? problem.title : ''}`.trim());
  }
}

/** The console's typed client as the importer's batch API: the same rows, batches and retries as the CLI. */
function batchApi(api: ApiClient): CaseBatchApi {
  return {
    async post(_path, body) {
      const answer = await api.POST('/case-batches', { body });
      if (!answer.data) throw new BatchRefused(answer.response.status, answer.error ?? {});
      return { body: answer.data };
    },
  };
}

type Stage =
  | { name: 'choose' }
  | { name: 'checked'; file: string; parsed: ParsedSurvey }
  | { name: 'importing'; file: string; parsed: ParsedSurvey; done: number }
  | { name: 'imported'; file: string; parsed: ParsedSurvey; outcome: ImportOutcome }
  | { name: 'failed'; message: string };

/**
 * 普查导入: the survey CSV `rectify import` reads (GBK or UTF-8), checked in the browser with the CLI's own
 * reader, then sent through `POST /case-batches` with the CLI's own importer; every refused row is listed
 * with its row number, field and reason, every accepted row with its case.
 */
export function SurveyImport() {
  const { api } = useApp();
  const tr = useT();
  const [stage, setStage] = useState<Stage>({ name: 'choose' });

  const check = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return setStage({ name: 'choose' });
    try {
      const parsed = await readSurvey(new Uint8Array(await file.arrayBuffer()), new Date(legalNow()));
      setStage({ name: 'checked', file: file.name, parsed });
    } catch (error) {
      setStage({ name: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  };

  const send = async (file: string, parsed: ParsedSurvey) => {
    setStage({ name: 'importing', file, parsed, done: 0 });
    try {
      const outcome = await importRows(batchApi(api), parsed.rows, {
        concurrency: CONCURRENCY,
        onProgress: (done) => setStage({ name: 'importing', file, parsed, done }),
      });
      setStage({ name: 'imported', file, parsed, outcome });
    } catch (error) {
      const message =
        error instanceof ImportRefusedError
          ? problemText(error.refusal.problem, tr)
          : error instanceof Error
            ? error.message
            : String(error);
      setStage({ name: 'failed', message });
    }
  };

  return (
    <section class="card">
      <h1>{tr.t('import')}</h1>
      <p class="field-hint">{tr.t('importHint')}</p>
      {/* The browser's own file button speaks the browser's language, not the page's: it stays in the page
          for the keyboard and screen readers, and the label in the page's language is what people see. */}
      <div class="field file-picker">
        <input
          id="survey-file"
          type="file"
          accept=".csv,text/csv"
          disabled={stage.name === 'importing'}
          onChange={(e) => void check(e.currentTarget)}
        />
        <label for="survey-file" class="button">
          {tr.t('chooseFile')}
        </label>
        <span class="file-name" data-testid="chosen-file">
          {'file' in stage ? stage.file : tr.t('noFileChosen')}
        </span>
      </div>
      {stage.name === 'failed' && <Alert>{`${tr.t('error')}: ${stage.message}`}</Alert>}
      {stage.name === 'checked' && (
        <>
          <Alert kind="info">
            {tr.t('surveyChecked', {
              file: stage.file,
              encoding: stage.parsed.encoding === 'gbk' ? 'GBK' : 'UTF-8',
              valid: stage.parsed.rows.length,
              bad: new Set(stage.parsed.errors.map((e) => e.row)).size,
            })}
          </Alert>
          {stage.parsed.rows.length > 0 && (
            <button type="button" onClick={() => void send(stage.file, stage.parsed)}>
              {tr.t('importRows', { count: stage.parsed.rows.length })}
            </button>
          )}
          <RefusedRows errors={stage.parsed.errors} />
        </>
      )}
      {stage.name === 'importing' && (
        <div class="import-progress">
          <label for="import-progress">{tr.t('rowsSent', { done: stage.done, total: stage.parsed.rows.length })}</label>
          <progress id="import-progress" max={stage.parsed.rows.length} value={stage.done} />
        </div>
      )}
      {stage.name === 'imported' && <Imported parsed={stage.parsed} outcome={stage.outcome} />}
    </section>
  );
}

function Imported({ parsed, outcome }: { parsed: ParsedSurvey; outcome: ImportOutcome }) {
  const tr = useT();
  const refused = [...parsed.errors, ...outcome.failed].sort((a, b) => a.row - b.row);
  const accepted = [
    ...outcome.created.map((r) => ({ ...r, again: false })),
    ...outcome.alreadyImported.map((r) => ({ ...r, again: true })),
  ].sort((a, b) => a.row - b.row);
  return (
    <>
      <Alert kind={refused.length ? 'info' : 'ok'}>
        <span data-testid="import-summary">
          {tr.t('importDone', {
            created: outcome.created.length,
            already: outcome.alreadyImported.length,
            bad: new Set(refused.map((e) => e.row)).size,
          })}
        </span>
      </Alert>
      {accepted.length > 0 && (
        <section aria-labelledby="accepted-h">
          <h2 id="accepted-h">{tr.t('accepted')}</h2>
          <table class="cases rows" data-testid="accepted-rows">
            <thead>
              <tr>
                <th scope="col">{tr.t('row')}</th>
                <th scope="col">{tr.t('id')}</th>
                <th scope="col">{tr.t('status')}</th>
              </tr>
            </thead>
            <tbody>
              {accepted.map((r) => (
                <tr key={r.row}>
                  <td data-label={tr.t('row')}>{r.row}</td>
                  <td data-label={tr.t('id')}>
                    <a href={`${BASE_PATH}/cases/${encodeURIComponent(r.caseId)}`}>{r.caseId}</a>
                  </td>
                  <td data-label={tr.t('status')}>{r.again ? tr.t('alreadyImported') : tr.t('newlyCreated')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <RefusedRows errors={refused} />
    </>
  );
}

/** `地址 (location.address)` from the reader, `location.address` from the API: the column's name either way. */
function fieldName(field: string, tr: Translator): string {
  if (/^\(\w+\)$/.test(field)) return field === '(row)' ? tr.t('wholeRow') : field;
  if (/[^\x20-\x7e]/.test(field)) return field;
  const last = field.split('.').at(-1) ?? field;
  const label = tr.key(last);
  return label === last ? field : `${label} (${field})`;
}

function RefusedRows({ errors }: { errors: RowError[] }) {
  const tr = useT();
  if (errors.length === 0) return null;
  return (
    <section aria-labelledby="refused-h">
      <h2 id="refused-h">
        {tr.t('refused')} <span class="count">({new Set(errors.map((e) => e.row)).size})</span>
      </h2>
      <table class="cases rows" data-testid="refused-rows">
        <thead>
          <tr>
            <th scope="col">{tr.t('row')}</th>
            <th scope="col">{tr.t('field')}</th>
            <th scope="col">{tr.t('reason')}</th>
          </tr>
        </thead>
        <tbody>
          {errors.map((e, i) => (
            <tr key={`${e.row}-${i}`}>
              <td data-label={tr.t('row')}>{e.row}</td>
              <td data-label={tr.t('field')}>{fieldName(e.field, tr)}</td>
              <td data-label={tr.t('reason')}>{tr.reason(e.reason)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
