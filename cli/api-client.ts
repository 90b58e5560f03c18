import * as z from 'zod';

/** An RFC 9457 problem returned by the API. */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  constructor(
    readonly status: number,
    readonly problem: { title?: string; detail?: string; errors?: { field: string; message: string }[] },
  ) {
    super(`${status} ${problem.title ?? ''}${problem.detail ? `: ${problem.detail}` : ''}`);
  }
}

const problemSchema = z
  .object({
    title: z.string().optional(),
    detail: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .loose();

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** A small client for the Rectify API: bearer token, JSON in and out, problems as errors, retries on 429/503. */
export class RectifyApi {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async request(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; accept?: string } = {}): Promise<ApiResponse<unknown> & { text: string }> {
    const url = new URL(path, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    for (let attempt = 1; ; attempt += 1) {
      const response = await this.fetchImpl(url, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: options.accept ?? 'application/json',
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
        body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if ((response.status === 429 || response.status === 503 || (response.status === 409 && response.headers.has('retry-after'))) && attempt < 6) {
        const retryAfter = Number(response.headers.get('retry-after') ?? '1');
        await new Promise((r) => setTimeout(r, Math.min(10, Number.isFinite(retryAfter) ? retryAfter : 1) * 1000 * attempt * 0.5));
        continue;
      }
      const isJson = (response.headers.get('content-type') ?? '').includes('json');
      let body: unknown = text;
      if (isJson && text) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      if (response.status >= 400) {
        const parsed = problemSchema.safeParse(body);
        throw new ApiProblem(response.status, parsed.success ? parsed.data : { title: text.slice(0, 200) });
      }
      return { status: response.status, headers: response.headers, body, text };
    }
  }

  get(path: string, accept?: string) {
    return this.request('GET', path, { accept });
  }

  post(path: string, body: unknown, headers?: Record<string, string>) {
    return this.request('POST', path, { body, headers });
  }
}

export function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
