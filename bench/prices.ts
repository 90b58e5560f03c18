/**
 * The one price table the cost figure uses: AWS list prices in Asia Pacific (Singapore), ap-southeast-1 —
 * the region cdk.json deploys to (`costOfCase` refuses a table for another region) — read on 2026-12-03,
 * on-demand, no free tier subtracted, first volume tier. AWS's pricing pages render their regional tables
 * in the browser; each figure names the page it belongs to and, where the AWS Price List offer file was
 * the reading, its usage type (the offer files are at
 * https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<service>/current/ap-southeast-1/index.json).
 * Prices that are the same in every commercial region say so.
 *
 * Checked again on 2026-12-03 against the pages' text: Lambda arm64 at $0.0000133334 per GB-second for the
 * first 7.5 billion a month and $0.20 per million requests (https://aws.amazon.com/lambda/pricing/ and
 * https://aws.amazon.com/blogs/compute/introducing-tiered-pricing-for-aws-lambda/), DynamoDB on-demand
 * throughput halved from 1 November 2024 (US East now $0.625 and $0.125 per million write and read units;
 * Singapore's are 14 % above US East, as before the cut), Step Functions Standard at $0.025 per 1,000
 * transitions. The Singapore-only figures (DynamoDB storage and PITR, API Gateway, CloudWatch Logs) are
 * the offer file's; the pages render those tables in the browser.
 *
 * S3, data transfer out and KMS were added on 2026-12-04 from AWS's published Singapore figures (S3 and
 * data transfer) and its every-region KMS request prices, as last published before then; this machine
 * reaches no AWS page, so they were not read again that day: check them against the pages named before
 * relying on the cents. Where only US East's figure was known, the entry says so.
 */
export const PRICES = {
  region: 'ap-southeast-1',
  readOn: '2026-12-03',
  usd: {
    /**
     * Step Functions Standard: per state transition, $0.025 per 1,000 (usage type APS1-StateTransition).
     * https://aws.amazon.com/step-functions/pricing/
     */
    stateTransition: 0.025 / 1000,
    /** Lambda: per request, $0.20 per million (APS1-Request-ARM). https://aws.amazon.com/lambda/pricing/ */
    lambdaRequest: 0.2 / 1_000_000,
    /**
     * Lambda on arm64: per GB-second of billed duration, first tier (APS1-Lambda-GB-Second-ARM; INIT is
     * billed since August 2025). https://aws.amazon.com/lambda/pricing/
     */
    lambdaArmGbSecond: 0.0000133334,
    /**
     * DynamoDB on-demand, Standard table class: per write request unit, $0.7125 per million (Singapore's
     * $1.425 before the November 2024 halving). https://aws.amazon.com/dynamodb/pricing/on-demand/
     */
    writeRequestUnit: 0.7125 / 1_000_000,
    /** DynamoDB on-demand, Standard: per read request unit, $0.1425 per million. Same page. */
    readRequestUnit: 0.1425 / 1_000_000,
    /** DynamoDB Standard: per GB-month stored (APS1-TimedStorage-ByteHrs; first 25 GB free, not subtracted). Same page. */
    storageGbMonth: 0.285,
    /** DynamoDB point-in-time recovery (continuous backups): per GB-month of table size. Same page. */
    pitrGbMonth: 0.228,
    /** SES outbound: per email, $0.10 per 1,000, every region. https://aws.amazon.com/ses/pricing/ */
    email: 0.1 / 1000,
    /** SES outbound: per GB of attachments, every region. Same page. */
    attachmentGb: 0.12,
    /**
     * API Gateway REST API: per request, first 333 million a month, $4.25 per million in Singapore
     * (APS1-ApiGatewayRequest; us-east-1 is $3.50). https://aws.amazon.com/api-gateway/pricing/
     */
    apiRequest: 4.25 / 1_000_000,
    /** AWS WAF: per request the web ACL inspects, $0.60 per million, every region. https://aws.amazon.com/waf/pricing/ */
    wafRequest: 0.6 / 1_000_000,
    /**
     * CloudWatch Logs: per GB ingested, Standard class, $0.70 in Singapore (APS1-DataProcessing-Bytes).
     * https://aws.amazon.com/cloudwatch/pricing/
     */
    logIngestGb: 0.7,
    /** CloudWatch Logs: per GB-month archived (APS1-TimedStorage-ByteHrs). Same page. */
    logStorageGbMonth: 0.03,
    /** X-Ray: per trace recorded, $5.00 per million, every region. https://aws.amazon.com/xray/pricing/ */
    xrayTrace: 5 / 1_000_000,
    /**
     * S3 Standard: per GB-month stored, first 50 TB, $0.025 in Singapore (APS1-TimedStorage-ByteHrs;
     * us-east-1 is $0.023). https://aws.amazon.com/s3/pricing/
     */
    s3StandardGbMonth: 0.025,
    /** S3 Glacier Instant Retrieval: per GB-month stored, $0.005 in Singapore (APS1-TimedStorage-GIR-ByteHrs). Same page. */
    s3GlacierInstantGbMonth: 0.005,
    /** S3 Standard: per PUT, COPY, POST or LIST request, $0.005 per 1,000 in Singapore (APS1-Requests-Tier1). Same page. */
    s3PutRequest: 0.005 / 1000,
    /** S3 Standard: per GET, HEAD or other request, $0.0004 per 1,000 in Singapore (APS1-Requests-Tier2). Same page. */
    s3GetRequest: 0.0004 / 1000,
    /**
     * S3 lifecycle transition into Glacier Instant Retrieval: per object, $0.02 per 1,000 — US East's
     * figure (Singapore's may be a little higher; at 11 objects a case the difference is below $0.0000001).
     * Same page, "Requests & data retrievals".
     */
    s3GlacierInstantTransition: 0.02 / 1000,
    /**
     * Data transfer out of AWS to the internet (a browser downloading through a presigned URL): per GB, first
     * 10 TB a month after the account's first 100 GB (not subtracted), $0.12 from Singapore
     * (APS1-DataTransfer-Out-Bytes). https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer
     */
    dataTransferOutGb: 0.12,
    /**
     * KMS: per request with an asymmetric key other than RSA 2048 (the digest key is ECC_NIST_P256: each
     * kms:Sign), $0.15 per 10,000, every region. https://aws.amazon.com/kms/pricing/
     */
    kmsAsymmetricRequest: 0.15 / 10_000,
  },
} as const;

export type PriceTable = typeof PRICES;
