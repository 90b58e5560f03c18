import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Problem } from './problem';
import { HttpProblem, PROBLEM_CONTENT_TYPE } from './problem';
import { emptyRecord } from '#shared/own';

/** Case submissions and actions are small: a few kB of text and photo references. */
export const BODY_LIMIT_BYTES = 64 * 1024;

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** What an operation answers; the adapter turns it into an API Gateway proxy result. */
export interface ApiResult {
  statusCode: number;
  body?: unknown;
  /** A body that is already text (CSV exports); sent as is with its own content-type header. */
  text?: string;
  headers?: Record<string, string>;
}

/** Header names are case-insensitive; API Gateway passes them as the client wrote them. */
export function lowerCaseHeaders(event: Pick<APIGatewayProxyEvent, 'headers'>): Record<string, string> {
  const headers = emptyRecord<string>();
  for (const [name, value] of Object.entries(event.headers ?? {}))
    if (value !== undefined) headers[name.toLowerCase()] = value;
  return headers;
}

function isJsonMediaType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}

/**
 * The request body as JSON: within the size limit, declared as JSON and well-formed. Anything else is a
 * problem naming the body, never an exception that escapes as a 500.
 */
export function readJsonBody(
  event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded' | 'headers'>,
  limit = BODY_LIMIT_BYTES,
): unknown {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > limit)
    throw new HttpProblem(
      'payload-too-large',
      `The body is ${bytes.length} bytes; at most ${limit} bytes are accepted.`,
    );
  if (bytes.length === 0 || raw.trim() === '') {
    throw new HttpProblem('invalid-input', 'The request needs a JSON body.', {
      errors: [{ field: '(body)', in: 'body', message: 'is required' }],
    });
  }
  const contentType = lowerCaseHeaders(event)['content-type'];
  if (!isJsonMediaType(contentType)) {
    throw new HttpProblem(
      'unsupported-media-type',
      `Send the body as application/json (Content-Type was ${contentType ? `"${contentType}"` : 'missing'}).`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HttpProblem('invalid-input', 'The body is not valid UTF-8.', {
      errors: [{ field: '(body)', in: 'body', message: 'is not valid UTF-8' }],
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'is not valid JSON';
    throw new HttpProblem('invalid-input', 'The body is not valid JSON.', {
      errors: [{ field: '(body)', in: 'body', message: `is not valid JSON: ${reason}` }],
    });
  }
}

export function proxyResult(result: ApiResult): APIGatewayProxyResult {
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...result.headers };
  if (result.text !== undefined) return { statusCode: result.statusCode, headers, body: result.text };
  if (result.body === undefined) return { statusCode: result.statusCode, headers, body: '' };
  headers['content-type'] ??= JSON_CONTENT_TYPE;
  return { statusCode: result.statusCode, headers, body: JSON.stringify(result.body) };
}

export function problemResult(
  problem: HttpProblem,
  instance: string | undefined,
  requestId: string | undefined,
): APIGatewayProxyResult {
  const body: Problem = problem.toProblem(instance, requestId);
  return proxyResult({
    statusCode: problem.status,
    body,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...problem.headers },
  });
}
