/**
 * The one price table the cost figure uses: AWS list prices in US East (N. Virginia), us-east-1, as the
 * pricing pages and their worked examples state them, read on 2026-12-03 (DynamoDB on-demand after its
 * November 2024 reduction; Lambda INIT billed since August 2025). The stack deploys to the region in
 * cdk.json (ap-southeast-1 by default), whose rates for DynamoDB, API Gateway and CloudWatch Logs are
 * somewhat higher: to price a deployment there, replace these numbers from the same pages with that
 * region selected. No free tier is subtracted.
 */
export const PRICES = {
  region: 'us-east-1',
  readOn: '2026-12-03',
  usd: {
    /** Step Functions Standard: per state transition ($0.025 per 1,000). */
    stateTransition: 0.025 / 1000,
    /** Lambda: per request ($0.20 per million). */
    lambdaRequest: 0.2 / 1_000_000,
    /** Lambda on arm64: per GB-second of billed duration (INIT included for cold starts). */
    lambdaArmGbSecond: 0.0000133334,
    /** DynamoDB on-demand, Standard table class: per write request unit ($0.625 per million). */
    writeRequestUnit: 0.625 / 1_000_000,
    /** DynamoDB on-demand, Standard table class: per read request unit ($0.125 per million). */
    readRequestUnit: 0.125 / 1_000_000,
    /** DynamoDB Standard table class: per GB-month stored (first 25 GB free, not subtracted). */
    storageGbMonth: 0.25,
    /** DynamoDB point-in-time recovery (continuous backups): per GB-month of table size. */
    pitrGbMonth: 0.2,
    /** SES outbound: per email ($0.10 per 1,000). */
    email: 0.1 / 1000,
    /** SES outbound: per GB of attachments. */
    attachmentGb: 0.12,
    /** API Gateway REST API: per request, first 333 million a month ($3.50 per million). */
    apiRequest: 3.5 / 1_000_000,
    /** AWS WAF: per request the web ACL inspects ($0.60 per million). */
    wafRequest: 0.6 / 1_000_000,
    /** CloudWatch Logs: per GB ingested (standard class). */
    logIngestGb: 0.5,
    /** CloudWatch Logs: per GB-month archived. */
    logStorageGbMonth: 0.03,
    /** X-Ray: per trace recorded ($5.00 per million). */
    xrayTrace: 5 / 1_000_000,
  },
} as const;

export type PriceTable = typeof PRICES;
