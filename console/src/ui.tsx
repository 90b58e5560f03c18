import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { CaseStatus } from '#domain/vocabulary';
import { isTerminal } from '#domain/lifecycle';
import type { Problem } from './api';
import type { ProblemWords, Translator } from './i18n';
import { useT } from './i18n';
import { countdown } from './time';

export type Loaded<T> =
  { state: 'loading' } | { state: 'done'; value: T } | { state: 'failed'; message: string; problem?: Problem };

/** The API answered a load with a problem: kept whole, so the page can show it in the reader's language. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly problem: Problem | undefined,
    readonly status: number,
  ) {
    super(problem ? [problem.title, problem.detail].filter(Boolean).join(' — ') : `HTTP ${status}`);
  }
}

/** Runs `load` when `deps` change; `reload` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [Loaded<T>, () => void] {
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    load().then(
      (value) => current && setResult({ state: 'done', value }),
      (error: unknown) =>
        current &&
        setResult({
          state: 'failed',
          message: error instanceof Error ? error.message : String(error),
          ...(error instanceof ProblemError && error.problem ? { problem: error.problem } : {}),
        }),
    );
    return () => {
      current = false;
    };
  }, [...deps, round]);
  return [result, useCallback(() => setRound((r) => r + 1), [])];
}

/** A problem (or any failure) in words, for the top of a form or page, in the reader's language. */
export function problemText(problem: ProblemWords | undefined, tr: Translator): string {
  return problem ? tr.problem(problem) : '';
}

export function Alert({ children, kind = 'error' }: { children: ComponentChildren; kind?: 'error' | 'info' | 'ok' }) {
  return (
    <div class={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function Loading<T>({ loaded, children }: { loaded: Loaded<T>; children: (value: T) => ComponentChildren }) {
  const tr = useT();
  if (loaded.state === 'loading') return <p aria-busy="true">{tr.t('loading')}</p>;
  if (loaded.state === 'failed')
    return <Alert>{`${tr.t('error')}: ${loaded.problem ? problemText(loaded.problem, tr) : loaded.message}`}</Alert>;
  return <>{children(loaded.value)}</>;
}

export function StatusBadge({ status }: { status: CaseStatus }) {
  const { status: label } = useT();
  return <span class={`badge ${isTerminal(status) ? 'badge-done' : 'badge-open'}`}>{label(status)}</span>;
}

export function Countdown({ at, provisional }: { at: string; provisional?: boolean }) {
  const { t } = useT();
  const left = countdown(at);
  const amount = `${left.days}${t('days')} ${left.hours}${t('hours')}`;
  return (
    <span class={left.overdue ? 'countdown overdue' : 'countdown'}>
      {left.overdue ? `${t('overdueBy')} ${amount}` : `${t('remaining')} ${amount}`}
      {provisional && (
        <abbr class="provisional" title={t('provisionalNote')}>
          {' '}
          ({t('provisional')})
        </abbr>
      )}
    </span>
  );
}

export interface FieldSpec {
  name: string;
  label: string;
  kind: 'text' | 'textarea' | 'number' | 'date' | 'datetime' | 'select' | 'email' | 'tel';
  options?: readonly { value: string; label: string }[];
  optional?: boolean;
  value?: string;
  /** A line under the label saying what to enter. */
  hint?: string;
}

/** One labelled input with the API's message for it right below, tied by aria-describedby. */
export function Field({ spec, error, idPrefix }: { spec: FieldSpec; error: string | undefined; idPrefix: string }) {
  const tr = useT();
  const id = `${idPrefix}-${spec.name.replace(/\W/g, '-')}`;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [spec.hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ');
  const common = {
    id,
    name: spec.name,
    required: !spec.optional,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy || undefined,
  };
  let input;
  if (spec.kind === 'textarea') input = <textarea {...common} rows={3} value={spec.value} />;
  else if (spec.kind === 'select')
    input = (
      <select {...common} value={spec.value}>
        {spec.optional && <option value="">—</option>}
        {spec.options?.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  else {
    const type = spec.kind === 'datetime' ? 'datetime-local' : spec.kind;
    input = (
      <input {...common} type={type as 'text'} step={spec.kind === 'number' ? 'any' : undefined} value={spec.value} />
    );
  }
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label for={id}>
        {spec.label}
        {spec.optional ? '' : ' *'}
      </label>
      {spec.hint && (
        <p class="field-hint" id={hintId}>
          {spec.hint}
        </p>
      )}
      {input}
      {error && (
        <p class="field-message" id={errorId}>
          {tr.reason(error)}
        </p>
      )}
    </div>
  );
}

/** A form's values as the API's JSON: numbers as numbers, Beijing wall times as UTC instants, blanks left out. */
export function formValues(form: HTMLFormElement, fields: readonly FieldSpec[]): Record<string, unknown> {
  const data = new FormData(form);
  const body: Record<string, unknown> = {};
  for (const spec of fields) {
    const raw = String(data.get(spec.name) ?? '').trim();
    if (raw === '') continue;
    let value: unknown = raw;
    if (spec.kind === 'number') value = Number(raw);
    if (spec.kind === 'datetime') value = new Date(`${raw}:00+08:00`).toISOString();
    const path = spec.name.split('.');
    let target = body;
    for (const key of path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[path[path.length - 1] as string] = value;
  }
  return body;
}

/**
 * An email address that wraps only where people break one: before the `@`. Each side stays whole, and a
 * side wider than the column is cut with an ellipsis; the full address is the title (hover, long press)
 * and what is copied.
 */
export function EmailAddress({ address }: { address: string }) {
  const at = address.lastIndexOf('@');
  if (at <= 0)
    return (
      <span class="address-part" title={address}>
        {address}
      </span>
    );
  return (
    <span class="address" title={address}>
      <span class="address-part">{address.slice(0, at)}</span>
      <wbr />
      <span class="address-part">{address.slice(at)}</span>
    </span>
  );
}
