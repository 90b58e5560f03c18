import type { RectifyApi } from './api-client';
import { ApiProblem } from './api-client';
import type { RowError, SurveyRow } from './survey-file';

export interface ImportOutcome {
  created: { row: number; caseId: string }[];
  alreadyImported: { row: number; caseId: string }[];
  failed: RowError[];
}

/**
 * Submits survey rows through the API with bounded concurrency. Each row's idempotency key comes from its
 * content, so a re-import finds every row already there and creates nothing.
 */
export async function importRows(
  api: RectifyApi,
  rows: readonly SurveyRow[],
  options: { concurrency: number; onProgress?: (done: number) => void },
): Promise<ImportOutcome> {
  const outcome: ImportOutcome = { created: [], alreadyImported: [], failed: [] };
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++]!;
      try {
        const response = await api.post('cases', row.submission, { 'idempotency-key': row.idempotencyKey });
        const caseId = caseIdOf(response.body);
        const replayed = response.headers.get('idempotent-replayed') === 'true';
        (replayed ? outcome.alreadyImported : outcome.created).push({ row: row.row, caseId });
      } catch (error) {
        if (error instanceof ApiProblem && error.problem.errors?.length) {
          outcome.failed.push(...error.problem.errors.map((e) => ({ row: row.row, field: e.field, reason: e.message })));
        } else {
          outcome.failed.push({ row: row.row, field: '(row)', reason: error instanceof Error ? error.message : String(error) });
        }
      }
      done += 1;
      options.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, rows.length)) }, worker));
  const byRow = (a: { row: number }, b: { row: number }) => a.row - b.row;
  outcome.created.sort(byRow);
  outcome.alreadyImported.sort(byRow);
  outcome.failed.sort(byRow);
  return outcome;
}

function caseIdOf(body: unknown): string {
  if (body && typeof body === 'object' && 'id' in body && typeof body.id === 'string') return body.id;
  if (body && typeof body === 'object' && 'case' in body && body.case && typeof body.case === 'object' && 'id' in body.case && typeof body.case.id === 'string') {
    return body.case.id;
  }
  return '?';
}
