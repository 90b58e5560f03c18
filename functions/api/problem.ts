import * as z from 'zod';

/**
 * RFC 9457 problem details. Every error the API answers is one of these, with `errors` naming each bad
 * field so a client can put the message next to the input that caused it.
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const FIELD_LOCATIONS = ['body', 'query', 'path', 'header'] as const;
export type FieldLocation = (typeof FIELD_LOCATIONS)[number];

const fieldErrorSchema = z.object({
  /** Dotted path inside its location, e.g. `structure.areaM2`; a header's name; `(body)` for the whole body. */
  field: z.string(),
  in: z.enum(FIELD_LOCATIONS),
  message: z.string(),
});
export type FieldError = z.infer<typeof fieldErrorSchema>;

export const problemSchema = z.object({
  type: z.string().describe('A URI naming the kind of problem.'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional().describe('The request path the problem occurred on.'),
  requestId: z.string().optional(),
  errors: z.array(fieldErrorSchema).optional(),
  reason: z.string().optional().describe('Why the procedure refused the action (409).'),
  currentVersion: z.number().int().optional().describe('The case version now stored (409 version conflict).'),
  part: z.string().optional().describe('The dependency that is unavailable (503).'),
});
export type Problem = z.infer<typeof problemSchema>;

const PROBLEM_TYPES = {
  'invalid-input': { status: 400, title: 'The request is not valid' },
  unauthenticated: { status: 401, title: 'A valid bearer token is required' },
  forbidden: { status: 403, title: 'Your role may not do this' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'transition-not-allowed': { status: 409, title: 'The procedure does not allow this now' },
  'version-conflict': { status: 409, title: 'The case changed since you read it' },
  'request-in-flight': { status: 409, title: 'The same request is still being processed' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'The request body must be JSON' },
  'idempotency-key-reused': { status: 422, title: 'The Idempotency-Key was used for a different request' },
  throttled: { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal error' },
  'dependency-unavailable': { status: 503, title: 'A service the API depends on is unavailable' },
} as const;
export type ProblemKind = keyof typeof PROBLEM_TYPES;

function problemTypeUri(kind: ProblemKind): string {
  return `urn:rectify:problem:${kind}`;
}

/** An error the API answers with a problem document; thrown anywhere below the handler. */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  readonly status: number;
  constructor(
    readonly kind: ProblemKind,
    detail: string,
    readonly extras: { errors?: FieldError[]; reason?: string; currentVersion?: number; part?: string } = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.status = PROBLEM_TYPES[kind].status;
  }

  toProblem(instance?: string, requestId?: string): Problem {
    return {
      type: problemTypeUri(this.kind),
      title: PROBLEM_TYPES[this.kind].title,
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...(requestId ? { requestId } : {}),
      ...this.extras,
    };
  }
}

export function invalidInput(errors: FieldError[], detail?: string): HttpProblem {
  const named = errors.map((e) => (e.in === 'body' ? e.field : `${e.in} ${e.field}`));
  return new HttpProblem(
    'invalid-input',
    detail ?? `Invalid ${named.slice(0, 5).join(', ')}${named.length > 5 ? ` and ${named.length - 5} more` : ''}.`,
    { errors },
  );
}

/**
 * Error messages for zod's generic issues that read well next to a field name. Messages the domain
 * schemas spell out themselves take precedence.
 */
export function friendlyIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  if (issue.code === 'invalid_type')
    return `must be ${article(issue.expected)}${issue.input === null ? ', not null' : ''}`;
  return undefined;
}

function article(expected: string): string {
  if (expected === 'int') return 'a whole number';
  if (expected === 'array') return 'a list';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** One field error per bad field; unknown fields are named one by one. */
export function fieldErrorsOf(
  error: z.ZodError,
  location: FieldLocation,
  prefix: readonly (string | number)[] = [],
): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        errors.push({ field: joinPath([...path, key], location), in: location, message: 'is not a known field' });
      continue;
    }
    errors.push({ field: joinPath(path, location), in: location, message: issue.message });
  }
  return errors;
}

function joinPath(path: readonly (string | number)[], location: FieldLocation): string {
  if (path.length === 0) return location === 'body' ? '(body)' : `(${location})`;
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
