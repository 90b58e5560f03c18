import type { Node } from 'constructs';
import * as z from 'zod';
import { assertPolicyFitsWorkflow } from '#app/procedure';
import { calendarFileSchema, chinaCalendar } from '#domain/china-calendar';
import type { Policy } from '#domain/policy';
import { resolvePolicy } from '#domain/policy';
import { issuingOfficeSchema } from '#documents/issuing-offices';
import { isSupportedRegion, unsupportedRegionMessage } from './regions';

/**
 * Everything a deployment may vary, read from CDK context (`cdk.json` or `-c key=value`) and validated
 * once. A wrong value stops the synth with the key's name instead of deploying a stack that fails later.
 */

/** Context keys, each a top-level context value. Objects and arrays may be given as JSON text on the command line. */
const CONFIG_KEYS = [
  'stage',
  'region',
  'senderAddress',
  'senderIdentity',
  'senderName',
  'importSenderIdentity',
  'configurationSetName',
  'escalationRecipients',
  'fallbackRecipients',
  'alertRecipients',
  'issuingOffices',
  'fallbackIssuingOffice',
  'corsOrigins',
  'deletionProtection',
  'retainData',
  'alarmEmail',
  'policy',
  'calendarYears',
  'consoleUrl',
  'mfa',
  'logRetentionDays',
  'apiRateLimit',
  'apiBurstLimit',
  'waf',
  'wafRatePerIp',
  'logLevel',
  'evidenceRetentionDays',
  'evidenceArchiveAfterDays',
  'digestRetentionDays',
] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

const email = z.email();
const domainName = z
  .string()
  .regex(/^(?=.{4,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/i, 'expected a domain name such as example.gov.cn');

/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Lambda rejects a function whose environment variables exceed 4 KB in total. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

const configSchema = z
  .object({
    /** Names the stack (`Rectify-<stage>`) and every named resource, so stages can share an account. */
    stage: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,15}$/, 'lower-case letters, digits and dashes, starting with a letter, at most 16'),
    /**
     * The region the stack deploys to, whatever the shell's AWS settings say. Only regions that offer
     * every service the stack uses are accepted (infra/regions.ts).
     */
    region: z.string().refine(isSupportedRegion, { error: (issue) => unsupportedRegionMessage(String(issue.input)) }),
    /** The From address of every email. */
    senderAddress: email,
    /** The SES identity that authorizes the sender: its domain (recommended, DKIM) or the address itself. */
    senderIdentity: z.union([email, domainName]).optional(),
    /** Display name of the sender, e.g. 违法建设治理办公室. */
    senderName: z.string().trim().min(1).max(64).optional(),
    /**
     * The sender identity already exists in this account and region (verified for another stage or
     * system): use it by name instead of creating it, which would fail the deploy.
     */
    importSenderIdentity: z.boolean().default(false),
    /**
     * Use this existing SES configuration set instead of creating `rectify-<stage>`; the stack only adds
     * its event destination for bounces and complaints to it.
     */
    configurationSetName: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64')
      .optional(),
    /** Sub-district (街道) → the office mailboxes that receive notice copies, escalations and overdue alerts. */
    escalationRecipients: z.record(z.string().min(1), z.array(email).min(1)).default({}),
    /** Where mail for a sub-district without its own entry goes (the district office). */
    fallbackRecipients: z.array(email).min(1),
    /** Also receive every workflow-failure alert email (operations staff). */
    alertRecipients: z.array(email).min(1).optional(),
    /**
     * Sub-district (街道) → the office that issues its documents (限期拆除通知书, 催告书, 决定书, 公告), with the
     * 行政复议机关 and the court they name. Every sub-district of `escalationRecipients` needs one, unless
     * `fallbackIssuingOffice` is given.
     */
    issuingOffices: z.record(z.string().min(1), issuingOfficeSchema).default({}),
    /** Issues the documents of a sub-district without its own entry (the district's office). */
    fallbackIssuingOffice: issuingOfficeSchema.optional(),
    /** Browser origins allowed to call the API; CORS stays off unless some are given. */
    corsOrigins: z.array(z.url()).optional(),
    /** DynamoDB and Cognito deletion protection: on unless a throwaway stage turns it off. */
    deletionProtection: z.boolean().default(true),
    /**
     * Keep the table, the user pool, the log groups and the topics' key when the stack is deleted (case
     * histories are evidence). A throwaway stage may let them go with the stack.
     */
    retainData: z.boolean().default(true),
    /** Subscribes this address to the alarm topic. */
    alarmEmail: email.optional(),
    /** The district's overrides of the procedure's periods (functions/domain/policy.ts). */
    policy: z.record(z.string(), z.unknown()).default({}),
    /** Holiday calendars for years the bundled data does not cover (functions/domain/china-calendar.ts). */
    calendarYears: calendarFileSchema.default([]),
    /**
     * The web console's address on a domain of its own; emails link to `<consoleUrl>/cases/<id>`. Without
     * it they link to the stack's CloudFront distribution (never the JSON API, which a person cannot read
     * signed out).
     */
    consoleUrl: z.url().optional(),
    /** TOTP MFA for every user (`required`), or left to each user (`optional`) on a throwaway stage. */
    mfa: z.enum(['required', 'optional']).default('required'),
    logRetentionDays: z
      .number()
      .int()
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        message: `one of ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(180),
    /** Stage-wide steady request rate (requests per second) and burst. */
    apiRateLimit: z.number().int().min(1).max(10_000).default(50),
    apiBurstLimit: z.number().int().min(1).max(5_000).default(100),
    /**
     * A WAF web ACL on the API (AWS managed rules and a rate rule per client address). It costs about
     * 9 USD a month (web ACL 5, four rules 1 each) and 0.60 USD per million requests; a stage may leave it off.
     */
    waf: z.boolean().default(true),
    /** Requests one address may make in 5 minutes; offices behind one NAT address share it. */
    wafRatePerIp: z.number().int().min(10).max(2_000_000_000).default(3_000),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
    /**
     * Object Lock's default retention (GOVERNANCE mode) of every object in the evidence bucket: case files
     * of administrative enforcement are kept 30 years (docs/evidence.md). A throwaway stage sets 1.
     */
    evidenceRetentionDays: z.number().int().min(1).max(36_500).default(10_950),
    /**
     * Evidence and documents move to S3 Glacier Instant Retrieval this long after upload, when nearly every
     * case has closed; a case still open downloads them as fast, at a higher retrieval price.
     */
    evidenceArchiveAfterDays: z.number().int().min(90).max(3_650).default(365),
    /**
     * How long each signed digest is locked (COMPLIANCE: no one can delete it sooner): as long as the
     * evidence it anchors is kept. A throwaway stage sets 1.
     */
    digestRetentionDays: z.number().int().min(1).max(36_500).default(10_950),
  })
  .superRefine((config, context) => {
    let policy: Policy | undefined;
    try {
      policy = resolvePolicy(config.policy);
    } catch (error) {
      const issues = error instanceof z.ZodError ? error.issues : [];
      for (const issue of issues)
        context.addIssue({ code: 'custom', path: ['policy', ...issue.path], message: issue.message });
      if (!issues.length) context.addIssue({ code: 'custom', path: ['policy'], message: String(error) });
    }
    // The functions receive exactly this policy and these calendar years, so a policy under which a
    // phase could outlive one Step Functions execution is refused here, before anything is deployed,
    // rather than by every task function's cold start.
    if (policy) {
      try {
        assertPolicyFitsWorkflow(policy, chinaCalendar(config.calendarYears));
      } catch (error) {
        context.addIssue({
          code: 'custom',
          path: ['policy'],
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
    const identity = config.senderIdentity;
    if (identity && !identity.includes('@')) {
      const domain = identity.toLowerCase();
      const senderDomain = config.senderAddress.toLowerCase().split('@')[1] ?? '';
      if (senderDomain !== domain && !senderDomain.endsWith(`.${domain}`)) {
        context.addIssue({
          code: 'custom',
          path: ['senderAddress'],
          message: `must be an address of the identity's domain ${domain}`,
        });
      }
    } else if (identity && identity.toLowerCase() !== config.senderAddress.toLowerCase()) {
      context.addIssue({
        code: 'custom',
        path: ['senderIdentity'],
        message: 'an address identity must be the sender address itself',
      });
    }
    if (!config.fallbackIssuingOffice) {
      for (const subdistrict of Object.keys(config.escalationRecipients)) {
        if (!Object.hasOwn(config.issuingOffices, subdistrict))
          context.addIssue({
            code: 'custom',
            path: ['issuingOffices', subdistrict],
            message: `is required: the workflow issues documents for ${subdistrict}, which receives mail, and names the office that issues them (or give fallbackIssuingOffice)`,
          });
      }
    }
    if (config.apiBurstLimit < config.apiRateLimit) {
      context.addIssue({ code: 'custom', path: ['apiBurstLimit'], message: 'must be at least apiRateLimit' });
    }
  });

export type RectifyConfig = z.infer<typeof configSchema>;

/** Keys whose values are objects, arrays, booleans or numbers: given on the command line they arrive as text. */
const NON_TEXT_KEYS: ReadonlySet<ConfigKey> = new Set([
  'importSenderIdentity',
  'escalationRecipients',
  'fallbackRecipients',
  'alertRecipients',
  'issuingOffices',
  'fallbackIssuingOffice',
  'corsOrigins',
  'deletionProtection',
  'retainData',
  'policy',
  'calendarYears',
  'logRetentionDays',
  'apiRateLimit',
  'apiBurstLimit',
  'waf',
  'wafRatePerIp',
  'evidenceRetentionDays',
  'evidenceArchiveAfterDays',
  'digestRetentionDays',
]);

function fromContextText(key: ConfigKey, value: unknown): unknown {
  if (typeof value !== 'string' || !NON_TEXT_KEYS.has(key)) return value;
  try {
    return JSON.parse(value);
  } catch {
    // A single address for a list key is accepted as written (`-c fallbackRecipients=office@example.com`).
    return key === 'fallbackRecipients' || key === 'alertRecipients' || key === 'corsOrigins' ? [value] : value;
  }
}

class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Validates raw context values; throws a `ConfigError` naming every bad key. */
export function parseConfig(raw: Partial<Record<ConfigKey, unknown>>): RectifyConfig {
  const values: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const value = raw[key];
    if (value !== undefined && value !== '') values[key] = fromContextText(key, value);
  }
  const result = configSchema.safeParse(values);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(context)'}: ${issue.message}`);
    throw new ConfigError(`invalid Rectify context values:\n${problems.join('\n')}`);
  }
  return result.data;
}

export function readConfig(node: Node): RectifyConfig {
  return parseConfig(Object.fromEntries(CONFIG_KEYS.map((key) => [key, node.tryGetContext(key) as unknown])));
}

/** The SES identity the sender address is authorized by. */
export function senderIdentityOf(config: RectifyConfig): string {
  return config.senderIdentity ?? config.senderAddress;
}
