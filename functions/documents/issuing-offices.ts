/**
 * Which office issues a case's documents: configured per sub-district (街道) beside its mail recipients,
 * with the 行政复议机关 and the court its documents name. `ISSUING_OFFICES_JSON` in the functions that
 * render documents; the deployment's `issuingOffices` (infra/config.ts) and the local stack's settings.
 */
import * as z from 'zod';
import { parseJsonEnv } from '#shared/env';
import type { IssuingOffice } from './document-content';

const name = z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters');

export const issuingOfficeSchema = z.strictObject({
  /** 例：重庆市沙坪坝区小龙坎街道办事处 */
  name,
  /** 行政复议机关, e.g. 重庆市沙坪坝区人民政府. */
  reconsiderationAuthority: name.optional(),
  /** 管辖法院, e.g. 重庆市沙坪坝区人民法院. */
  court: name.optional(),
}) satisfies z.ZodType<IssuingOffice>;

const issuingOfficesSchema = z.strictObject({
  /** Sub-district (as written on cases) → the office that issues its documents. */
  subdistricts: z.record(z.string().trim().min(1), issuingOfficeSchema),
  /** Issues the documents of a sub-district without its own entry (the district's office), if any. */
  fallback: issuingOfficeSchema.optional(),
});
export type IssuingOfficesConfig = z.infer<typeof issuingOfficesSchema>;

export class MissingIssuingOfficeError extends Error {
  override readonly name = 'MissingIssuingOfficeError';
}

/** The offices by sub-district (a Map: sub-districts are what people type on cases). */
export class IssuingOffices {
  private readonly bySubdistrict: ReadonlyMap<string, IssuingOffice>;
  private readonly fallback: IssuingOffice | undefined;

  constructor(config: IssuingOfficesConfig) {
    this.bySubdistrict = new Map(Object.entries(config.subdistricts).map(([key, office]) => [key.trim(), office]));
    this.fallback = config.fallback;
  }

  /** The office that issues the documents of a case in `subdistrict`; throws naming it when none is configured. */
  officeFor(subdistrict: string): IssuingOffice {
    const office = this.bySubdistrict.get(subdistrict.trim()) ?? this.fallback;
    if (!office)
      throw new MissingIssuingOfficeError(
        `no issuing office is configured for the sub-district ${JSON.stringify(subdistrict)}: add it to issuingOffices (ISSUING_OFFICES_JSON), or configure a fallback office`,
      );
    return office;
  }
}

/**
 * The sub-districts mail is configured for that no office would issue documents for: each must have one
 * (or a fallback must), since the workflow issues a notice for every case.
 */
function subdistrictsWithoutOffice(config: IssuingOfficesConfig, subdistricts: Iterable<string>): string[] {
  if (config.fallback) return [];
  const offices = new Set(Object.keys(config.subdistricts).map((key) => key.trim()));
  return [...subdistricts].filter((subdistrict) => !offices.has(subdistrict.trim()));
}

/**
 * Validates a configuration given as a value against the sub-districts that receive mail; throws naming
 * the bad field or each sub-district without an office.
 */
export function parseIssuingOffices(value: unknown, mailSubdistricts: Iterable<string> = []): IssuingOffices {
  const result = issuingOfficesSchema.safeParse(value);
  if (!result.success) {
    throw new Error(
      `invalid issuing offices configuration: ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  const missing = subdistrictsWithoutOffice(result.data, mailSubdistricts);
  if (missing.length)
    throw new Error(
      `invalid issuing offices configuration: no office issues the documents of ${missing.map((s) => JSON.stringify(s)).join(', ')} (each sub-district that receives mail needs one, or a fallback office)`,
    );
  return new IssuingOffices(result.data);
}

/**
 * The offices from `ISSUING_OFFICES_JSON`, checked against the sub-districts of `MAIL_RECIPIENTS_JSON`
 * when it is set: missing, invalid or incomplete stops the cold start with the reason.
 */
export function issuingOfficesFromEnv(env: NodeJS.ProcessEnv = process.env): IssuingOffices {
  const raw = env.ISSUING_OFFICES_JSON;
  if (raw === undefined || raw.trim() === '')
    throw new Error(
      'invalid environment: ISSUING_OFFICES_JSON is required: {"subdistricts": {"<街道>": {"name": "...", "reconsiderationAuthority": "...", "court": "..."}}} (see docs/documents.md)',
    );
  const config = parseJsonEnv('ISSUING_OFFICES_JSON', raw, issuingOfficesSchema);
  const mail = parseJsonEnv(
    'MAIL_RECIPIENTS_JSON',
    env.MAIL_RECIPIENTS_JSON ?? '{}',
    z.object({ subdistricts: z.record(z.string(), z.unknown()).default({}) }),
  );
  const missing = subdistrictsWithoutOffice(config, Object.keys(mail.subdistricts));
  if (missing.length)
    throw new Error(
      `invalid environment: ISSUING_OFFICES_JSON has no office for ${missing.map((s) => JSON.stringify(s)).join(', ')}, which MAIL_RECIPIENTS_JSON names`,
    );
  return new IssuingOffices(config);
}
