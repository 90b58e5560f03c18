import * as z from 'zod';
import { RectifyApi } from '../../cli/api-client';
import { ImportRefusedError, ROWS_PER_BATCH, importRows } from '#domain/survey-import';
import type { SurveyRow } from '#domain/survey-file';
import { seedSubmission } from '../fixtures/submissions';

const rows = (count: number): SurveyRow[] =>
  Array.from({ length: count }, (_, i) => ({
    row: i + 2,
    idempotencyKey: `survey-row-${i + 2}`,
    submission: seedSubmission(),
  }));
const batchSchema = z.object({ items: z.array(z.object({ idempotencyKey: z.string() }).loose()) });
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });

/**
 * The batch API as the client sees it, answering each request with `answer`; it records what each
 * request carried. (The whole path against the real API is in rectify-cli.test.ts.)
 */
function batchApi(answer: (keys: string[], call: number) => Response) {
  const calls: string[][] = [];
  const fetchImpl = (async (_url: unknown, init?: RequestInit) => {
    const keys = batchSchema.parse(JSON.parse(String(init?.body))).items.map((i) => i.idempotencyKey);
    calls.push(keys);
    return answer(keys, calls.length);
  }) as typeof fetch;
  return { api: new RectifyApi('http://rectify.invalid', 'token', fetchImpl), calls };
}

const created = (key: string) => ({ idempotencyKey: key, status: 201, replayed: false, case: { id: `C-${key}` } });

describe('importing rows in batches', () => {
  it('sends at most 25 rows a request and reports each row created', async () => {
    const { api, calls } = batchApi((keys) => json(200, { results: keys.map(created) }));
    const outcome = await importRows(api, rows(60), { concurrency: 2 });
    expect(calls.map((c) => c.length)).toEqual([ROWS_PER_BATCH, ROWS_PER_BATCH, 10]);
    expect(outcome.created.map((c) => c.row)).toEqual(rows(60).map((r) => r.row));
    expect(outcome.failed).toEqual([]);
  });

  it('sends a row the API could not take yet (in flight) again, and reports the rows it refused', async () => {
    const { api, calls } = batchApi((keys, call) =>
      json(200, {
        results: keys.map((key) =>
          key === 'survey-row-3' && call === 1
            ? { idempotencyKey: key, status: 409, problem: { title: 'The same request is still being processed' } }
            : key === 'survey-row-4'
              ? {
                  idempotencyKey: key,
                  status: 422,
                  problem: { title: 'The Idempotency-Key was used for a different request', detail: 'use a new key' },
                }
              : created(key),
        ),
      }),
    );
    const outcome = await importRows(api, rows(3), { concurrency: 1 });
    expect(calls).toEqual([['survey-row-2', 'survey-row-3', 'survey-row-4'], ['survey-row-3']]);
    expect(outcome.created.map((c) => c.row)).toEqual([2, 3]);
    expect(outcome.failed).toEqual([{ row: 4, field: '(row)', reason: '422 use a new key' }]);
  });

  it('reports the rows a 400 names with their field, and sends the rest of that batch again', async () => {
    const { api, calls } = batchApi((keys) =>
      keys.includes('survey-row-3')
        ? json(400, {
            title: 'The request is not valid',
            status: 400,
            errors: [{ field: 'items[1].submission.location.address', in: 'body', message: 'is required' }],
          })
        : json(200, { results: keys.map(created) }),
    );
    const outcome = await importRows(api, rows(3), { concurrency: 1 });
    expect(calls).toEqual([
      ['survey-row-2', 'survey-row-3', 'survey-row-4'],
      ['survey-row-2', 'survey-row-4'],
    ]);
    expect(outcome.failed).toEqual([{ row: 3, field: 'location.address', reason: 'is required' }]);
    expect(outcome.created.map((c) => c.row)).toEqual([2, 4]);
  });

  it('stops at the first request the API refuses for the role (403): no further batch, one refusal, no row reported', async () => {
    const { api, calls } = batchApi(() =>
      json(403, {
        type: 'urn:rectify:problem:forbidden',
        title: 'Your role may not do this',
        status: 403,
        detail: 'auditors may not submit cases',
      }),
    );
    const attempt = importRows(api, rows(100), { concurrency: 2 });
    await expect(attempt).rejects.toBeInstanceOf(ImportRefusedError);
    await expect(attempt).rejects.toMatchObject({
      refusal: { status: 403, problem: { detail: 'auditors may not submit cases' } },
    });
    expect(calls.length).toBeLessThanOrEqual(2);
  });
});
