import * as z from 'zod';

const problemSchema = z
  .object({
    type: z.string().optional(),
    title: z.string().optional(),
    detail: z.string().optional(),
    reason: z.string().optional(),
    currentVersion: z.number().optional(),
    part: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), in: z.string().optional(), message: z.string() })).optional(),
  })
  .loose();
export type Problem = z.infer<typeof problemSchema>;

/** An RFC 9457 problem returned by the API, with the request that got it. */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly request: { method: string; url: string } = { method: 'GET', url: '' },
  ) {
    super(`${status} ${problem.title ?? ''}${problem.detail ? `: ${problem.detail}` : ''}`);
  }

  /** The problem's kind, the last part of its `type` URI (`version-conflict`, `forbidden`…). */
  get kind(): string | undefined {
    return this.problem.type?.split(':').at(-1);
  }
}

/** A URL as a person typed it: `subdistrict=小龙坎街道`, not its percent-encoding. */
export function readableUrl(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

/** Nothing answered at the API's address: the URL tried and the network's reason. */
export class ApiUnreachable extends Error {
  override readonly name = 'ApiUnreachable';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`could not reach the Rectify API at ${readableUrl(url)}: ${reason}`);
  }
}

/** What the network said, in words: undici hides it behind `fetch failed` with the cause attached. */
function networkReason(error: unknown): string {
  if (error instanceof DOMException && error.name === 'TimeoutError')
    return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  const cause = (error as { cause?: unknown } | null)?.cause;
  const nested = cause instanceof AggregateError ? cause.errors[0] : cause;
  const code = (nested as { code?: unknown } | null)?.code;
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused (nothing listens there)',
    ENOTFOUND: 'no such host',
    EAI_AGAIN: 'the host name could not be resolved',
    ECONNRESET: 'the connection was reset',
    ETIMEDOUT: 'the connection timed out',
    EHOSTUNREACH: 'the host is unreachable',
    UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  };
  if (typeof code === 'string') return Object.hasOwn(words, code) ? `${words[code]} [${code}]` : code;
  if (nested instanceof Error) return nested.message;
  return error instanceof Error ? error.message : String(error);
}

const REQUEST_TIMEOUT_MS = 30_000;

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

  url(path: string): URL {
    return new URL(path, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
  }

  async request(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; accept?: string } = {},
  ): Promise<ApiResponse<unknown> & { text: string; bytes: Uint8Array }> {
    const url = this.url(path);
    for (let attempt = 1; ; attempt += 1) {
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: options.accept ?? 'application/json',
            ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...options.headers,
          },
          body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        throw new ApiUnreachable(url.href, networkReason(error));
      }
      // The bytes as sent: `Response.text()` would drop a CSV export's byte-order mark.
      const bytes = new Uint8Array(await response.arrayBuffer());
      const text = new TextDecoder().decode(bytes);
      if (
        (response.status === 429 ||
          response.status === 503 ||
          (response.status === 409 && response.headers.has('retry-after'))) &&
        attempt < 6
      ) {
        const retryAfter = Number(response.headers.get('retry-after') ?? '1');
        await new Promise((r) =>
          setTimeout(r, Math.min(10, Number.isFinite(retryAfter) ? retryAfter : 1) * 1000 * attempt * 0.5),
        );
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
        throw new ApiProblem(response.status, parsed.success ? parsed.data : { title: text.slice(0, 200) }, {
          method,
          url: url.href,
        });
      }
      return { status: response.status, headers: response.headers, body, text, bytes };
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
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
