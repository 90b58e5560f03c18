import * as z from 'zod';
import { DOCUMENT_KINDS } from '#domain/documents';
import { caseId, isoDate } from '#domain/schemas';
import { chainVerdictSchema } from '#domain/chain';
import { CASE_STATUSES } from '#domain/vocabulary';
import { summaryFiguresSchema, summaryRowSchema } from '#domain/work-summary';
import { caseSummarySchema } from '#store/case-summary';
import { caseEventSchema } from '#domain/schemas';
import { caseViewSchema } from '#app/case-view';
import { MAIL_KINDS, MAIL_STATUSES } from '#domain/mail-vocabulary';

/**
 * Path, query and header schemas of the HTTP API. Query and header values arrive as strings; numbers
 * are coerced and flags are the words `true`/`false`, so the OpenAPI document describes what a client
 * actually sends.
 */

export const caseIdParams = z.strictObject({ id: caseId });

const flag = z.enum(['true', 'false'], { message: 'must be true or false' });

/** Idempotency keys: a UUID or any 8–128 URL-safe characters; the draft standard's quoted form is accepted. */
const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;

export const idempotencyKey = z
  .string({ message: 'is required' })
  .transform((value) => value.trim().replace(/^"(.*)"$/, '$1'))
  .pipe(
    z
      .string()
      .regex(IDEMPOTENCY_KEY_PATTERN, 'must be 8–128 characters: letters, digits, ".", "_", ":" or "-" (a UUID works)'),
  )
  .meta({
    description:
      'A key the client generates once per intended case (a UUID works) and repeats on every retry of that submission.',
    example: '4f0d5b1e-6a43-4d1b-9a55-1e0a4f3c2b7d',
  });

export const createCaseHeaders = z.object({ 'Idempotency-Key': idempotencyKey });

/** `If-Match: "3"` (the ETag a read returned) pins the case version an action was decided on. */
const ifMatch = z
  .string()
  .regex(/^(W\/)?"?\d{1,9}"?$/, 'must be the ETag of the case as returned by GET /cases/{id}, e.g. "3"')
  .meta({ description: 'The ETag of the case the action was decided on; a newer case answers 409.', example: '"3"' });

export const actionHeaders = z.object({ 'If-Match': ifMatch.optional() });

export function versionFromIfMatch(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return Number(value.replace(/^W\//, '').replaceAll('"', ''));
}

const listCasesFields = z.strictObject({
  status: z.enum(CASE_STATUSES).optional(),
  subdistrict: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .optional()
    .meta({ description: 'Sub-district (街道), e.g. 小龙坎街道.' }),
  community: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .optional()
    .meta({ description: 'Community (社区) within the sub-district; needs `subdistrict`.' }),
  from: isoDate.optional().meta({ description: 'Reported on or after this date (Asia/Shanghai).' }),
  to: isoDate.optional().meta({ description: 'Reported on or before this date (Asia/Shanghai).' }),
  overdue: flag.optional().meta({ description: 'Only open cases whose running deadline has passed.' }),
  attention: flag.optional().meta({
    description:
      "Only open cases flagged for a person's attention (a failed step, a step the workflow stopped waiting for, an email that failed).",
  }),
  cursor: z.string().max(4096).optional().meta({ description: 'The `cursor` of the previous page.' }),
  limit: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .default(20),
});

type ListFilterInput = {
  status?: string;
  subdistrict?: string;
  community?: string;
  from?: string;
  to?: string;
  overdue?: string;
  attention?: string;
};

/** The rules that make a list answerable from an index, shared by the list and its export. */
const refineListFilter = (q: ListFilterInput, ctx: z.RefinementCtx) => {
  if (q.community && !q.subdistrict)
    ctx.addIssue({
      code: 'custom',
      path: ['community'],
      message: 'needs subdistrict: community names repeat across sub-districts',
    });
  if (q.from && q.to && q.from > q.to)
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  if (!q.status && !q.subdistrict && q.overdue !== 'true' && q.attention !== 'true') {
    ctx.addIssue({
      code: 'custom',
      path: ['subdistrict'],
      message: 'is required unless status, overdue=true or attention=true is given: lists are read from an index',
    });
  }
};

export const listCasesQuery = listCasesFields.superRefine(refineListFilter);

export const historyQuery = z.strictObject({
  cursor: z.string().max(4096).optional().meta({ description: 'The `cursor` of the previous page.' }),
  limit: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(200, 'must be at most 200')
    .default(50),
  verify: flag
    .optional()
    .meta({ description: 'Also verify the whole hash chain against the head recorded on the case.' }),
});

export const noQuery = z.strictObject({});
export const noParams = z.strictObject({});
export const noHeaders = z.object({});

export const casePageSchema = z.object({
  items: z.array(caseSummarySchema),
  cursor: z.string().optional().meta({
    description: 'Present when there may be more: pass it back as `cursor`. A page may hold fewer than `limit` items.',
  }),
});

export const historyPageSchema = z.object({
  items: z.array(caseEventSchema),
  cursor: z.string().optional(),
  verification: chainVerdictSchema
    .optional()
    .meta({ description: 'With verify=true: the verdict over every event of the case, not only this page.' }),
  evidenceVerification: z
    .object({
      ok: z.boolean(),
      checked: z.number().int(),
      mismatched: z.array(
        z.object({
          evidenceId: z.string(),
          fileName: z.string(),
          seq: z.number().int(),
          recordedSha256: z.string(),
          storedSha256: z.string().optional(),
          reason: z.string(),
        }),
      ),
    })
    .optional()
    .meta({ description: 'With verify=true: each file of evidence whose stored bytes no longer match its event.' }),
  documentVerification: z
    .object({
      ok: z.boolean(),
      checked: z.number().int(),
      mismatched: z.array(
        z.object({
          number: z.string(),
          kind: z.enum(DOCUMENT_KINDS),
          seq: z.number().int(),
          recordedSha256: z.string(),
          storedSha256: z.string().optional(),
          reason: z.string(),
        }),
      ),
    })
    .optional()
    .meta({
      description:
        'With verify=true: each issued document whose stored PDF no longer matches the hash its event records.',
    }),
});

/** One email recorded about a case, as `GET /cases/{id}/emails` lists it. */
const caseEmailSchema = z.object({
  id: z.string().meta({ description: 'The outbox id, also the X-Rectify-Mail-Id header of every send of this email.' }),
  kind: z.enum(MAIL_KINDS),
  to: z.string(),
  subject: z.string(),
  status: z.enum(MAIL_STATUSES).meta({
    description:
      'PENDING (recorded, not delivered yet) · SENDING · SENT · FAILED (refused) · UNCONFIRMED (unknown whether it arrived; the case was flagged) · BOUNCED or COMPLAINED (SES reported it after sending; the case records EMAIL_FAILED and was flagged).',
  }),
  createdAt: z.string().meta({ description: 'When the email was recorded (UTC).' }),
  sentAt: z.string().optional(),
  settledAt: z.string().optional().meta({ description: 'When it was sent, or given up on.' }),
  attempts: z.number().int().min(0).meta({ description: 'Sending rounds so far.' }),
  possibleRepeat: z.boolean().meta({
    description:
      'A send ended without an answer, so the office may have received this email twice (the repeat is marked).',
  }),
  lastError: z
    .string()
    .optional()
    .meta({ description: 'Why it failed: the last send error, or the bounce diagnostic.' }),
  reportedAt: z.string().optional().meta({ description: 'When SES reported it bounced or complained of (UTC).' }),
  delayedAt: z
    .string()
    .optional()
    .meta({ description: 'When SES last reported its delivery delayed (UTC); SES keeps trying until it bounces.' }),
  delayType: z.string().optional().meta({ description: "SES's reason for the delay, e.g. MailboxFull." }),
});
export const caseEmailsSchema = z.object({ items: z.array(caseEmailSchema) });

export const healthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  parts: z.record(z.string(), z.object({ up: z.boolean(), detail: z.string().optional() })),
});

export { caseViewSchema };

const exportFormat = z
  .enum(['csv', 'json'], { message: 'must be csv or json' })
  .default('csv')
  .meta({ description: 'csv (UTF-8 with BOM, opens in spreadsheet programs) or json.' });

/** The list filters of GET /cases, plus the export format: an export holds every matching case. */
export const exportCasesQuery = listCasesFields
  .omit({ limit: true, cursor: true })
  .extend({ format: exportFormat })
  .superRefine(refineListFilter);

export const exportHistoryQuery = z.strictObject({ format: exportFormat });

export const summaryQuery = z
  .strictObject({
    from: isoDate.optional().meta({ description: 'Cases reported on or after this date (Asia/Shanghai).' }),
    to: isoDate.optional().meta({ description: 'Cases reported on or before this date (Asia/Shanghai).' }),
    subdistrict: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: 'One sub-district; all with cases when absent.' }),
    community: z.string().trim().min(1).max(64).optional().meta({ description: 'One community; needs `subdistrict`.' }),
  })
  .superRefine((q, ctx) => {
    if (q.community && !q.subdistrict)
      ctx.addIssue({
        code: 'custom',
        path: ['community'],
        message: 'needs subdistrict: community names repeat across sub-districts',
      });
    if (q.from && q.to && q.from > q.to)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });

export const summarySchema = z.object({
  period: z.object({ from: isoDate.nullable(), to: isoDate.nullable(), timeZone: z.literal('Asia/Shanghai') }),
  generatedAt: z.string(),
  rows: z.array(summaryRowSchema),
  total: summaryFiguresSchema,
  casesRead: z.number().int(),
});
