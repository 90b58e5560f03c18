import * as z from 'zod';
import { mapLimited } from './concurrency';
import type { CaseSubmission } from './schemas';
import type { RowError, SurveyRow } from './survey-file';

export interface ImportOutcome {
  created: { row: number; caseId: string }[];
  alreadyImported: { row: number; caseId: string }[];
  failed: RowError[];
}

/** What `POST /case-batches` takes. */
interface CaseBatch {
  items: { idempotencyKey: string; submission: CaseSubmission }[];
}

/** What an API client throws for a problem answer (the CLI's ApiProblem, or the console's). */
export interface BatchFailure extends Error {
  status: number;
  problem: { title?: string; detail?: string; errors?: { field: string; message: string }[] };
}

function isBatchFailure(error: unknown): error is BatchFailure {
  return (
    error instanceof Error &&
    typeof (error as Partial<BatchFailure>).status === 'number' &&
    typeof (error as Partial<BatchFailure>).problem === 'object'
  );
}

/**
 * Where the rows go: `POST /case-batches` through the CLI's client (RectifyApi) or the web console's.
 * A refusal is thrown as a BatchFailure.
 */
export interface CaseBatchApi {
  post(path: 'case-batches', body: CaseBatch): Promise<{ body: unknown }>;
}

/** What `POST /case-batches` takes at most; the API refuses a larger batch. */
export const ROWS_PER_BATCH = 25;
/** Rounds for rows the API answers "try again" (in flight, busy, a service down). */
const ROUNDS = 6;
/** Statuses of a row worth sending again a little later. */
const TRANSIENT = new Set([409, 429, 503]);

const batchAnswerSchema = z.object({
  results: z.array(
    z
      .object({
        idempotencyKey: z.string(),
        status: z.number().int(),
        replayed: z.boolean().optional(),
        case: z.object({ id: z.string() }).loose().optional(),
        problem: z
          .object({
            title: z.string().optional(),
            detail: z.string().optional(),
            errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
          })
          .loose()
          .optional(),
      })
      .loose(),
  ),
});

/**
 * The API refused the import itself (401/403: the token or its role may not submit cases): no row is
 * worth trying, so the import stops at the first such answer.
 */
export class ImportRefusedError extends Error {
  override readonly name = 'ImportRefusedError';
  constructor(readonly refusal: BatchFailure) {
    super(`the API refused the import: ${refusal.message}`);
  }
}

/** `items[3].submission.location.address` → the batch index and the submission's field. */
const ITEM_FIELD = /^items\[(\d+)\](?:\.submission\.?)?(.*)$/;

/**
 * Submits survey rows through the API, 25 to a request (`POST /case-batches`) with `concurrency`
 * requests in flight. Each row's idempotency key comes from its content, so a re-import finds every row
 * already there and creates nothing. A row the API cannot take now (its earlier request in flight, a
 * service down) is sent again in a later round; a row it refuses is reported with its field and reason.
 */
export async function importRows(
  api: CaseBatchApi,
  rows: readonly SurveyRow[],
  options: { concurrency: number; onProgress?: (done: number) => void },
): Promise<ImportOutcome> {
  const outcome: ImportOutcome = { created: [], alreadyImported: [], failed: [] };
  let done = 0;
  const settle = (
    row: SurveyRow,
    result: { created: string } | { already: string } | { field: string; reason: string },
  ) => {
    if ('created' in result) outcome.created.push({ row: row.row, caseId: result.created });
    else if ('already' in result) outcome.alreadyImported.push({ row: row.row, caseId: result.already });
    else outcome.failed.push({ row: row.row, ...result });
    done += 1;
    options.onProgress?.(done);
  };

  let pending = [...rows];
  let refusal: BatchFailure | undefined;
  for (let round = 1; pending.length; round += 1) {
    const again: SurveyRow[] = [];
    let waitSeconds = 0;
    const sendBatch = async (batch: SurveyRow[]): Promise<void> => {
      if (refusal) return;
      try {
        const answer = await api.post('case-batches', {
          items: batch.map((row) => ({ idempotencyKey: row.idempotencyKey, submission: row.submission })),
        });
        const { results } = batchAnswerSchema.parse(answer.body);
        batch.forEach((row, i) => {
          const result = results[i];
          if (!result || result.idempotencyKey !== row.idempotencyKey)
            return settle(row, { field: '(row)', reason: 'the API answered without this row' });
          if (result.status === 201 && result.case)
            return settle(row, result.replayed ? { already: result.case.id } : { created: result.case.id });
          if (TRANSIENT.has(result.status) && round < ROUNDS) {
            waitSeconds = Math.max(waitSeconds, 1);
            return void again.push(row);
          }
          const field = result.problem?.errors?.[0];
          settle(
            row,
            field
              ? { field: field.field, reason: field.message }
              : {
                  field: '(row)',
                  reason: `${result.status} ${result.problem?.detail ?? result.problem?.title ?? ''}`.trim(),
                },
          );
        });
      } catch (error) {
        if (isBatchFailure(error) && (error.status === 401 || error.status === 403)) {
          refusal ??= error;
          return;
        }
        refuseBatch(batch, error, again);
      }
    };
    const refuseBatch = (batch: SurveyRow[], error: unknown, retry: SurveyRow[]) => {
      // A 400 names the rows it refuses; the other rows of the batch go again without them.
      const named = new Map<number, { field: string; reason: string }>();
      if (isBatchFailure(error) && error.status === 400) {
        for (const e of error.problem.errors ?? []) {
          const match = ITEM_FIELD.exec(e.field);
          if (match && !named.has(Number(match[1])))
            named.set(Number(match[1]), { field: match[2] || '(row)', reason: e.message });
        }
      }
      if (named.size) {
        batch.forEach((row, i) => {
          const refusal = named.get(i);
          if (refusal) settle(row, refusal);
          else retry.push(row);
        });
        return;
      }
      const reason = error instanceof Error ? error.message : String(error);
      for (const row of batch) settle(row, { field: '(row)', reason });
    };

    await mapLimited(batchesOf(pending), options.concurrency, sendBatch);
    if (refusal) throw new ImportRefusedError(refusal);
    pending = again;
    if (pending.length && waitSeconds) await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000 * round));
  }
  const byRow = (a: { row: number }, b: { row: number }) => a.row - b.row;
  outcome.created.sort(byRow);
  outcome.alreadyImported.sort(byRow);
  outcome.failed.sort(byRow);
  return outcome;
}

/** Rows in batches of at most 25, no key twice in one batch (the API refuses that). */
function batchesOf(rows: readonly SurveyRow[]): SurveyRow[][] {
  const batches: { rows: SurveyRow[]; keys: Set<string> }[] = [];
  for (const row of rows) {
    let batch = batches.find((b) => b.rows.length < ROWS_PER_BATCH && !b.keys.has(row.idempotencyKey));
    if (!batch) batches.push((batch = { rows: [], keys: new Set() }));
    batch.rows.push(row);
    batch.keys.add(row.idempotencyKey);
  }
  return batches.map((b) => b.rows);
}
