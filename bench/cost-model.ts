import type { DeployedStack } from './deployed-stack';
import type { PriceTable } from './prices';

const MONTHS_PER_DAY = 12 / 365;
const GB = 1024 ** 3;
/**
 * Glacier Instant Retrieval bills a smaller object as 128 KB (https://aws.amazon.com/s3/pricing/, note
 * under the storage table): the rendered documents, about 44 KB each, are billed at three times their size
 * once archived.
 */
const GLACIER_INSTANT_MINIMUM_BYTES = 128 * 1024;

/**
 * The cases a deployment carries in a year, among which the costs that do not grow with cases — the daily
 * digest — are shared. A district's illegal-construction caseload is hundreds to a few thousand a year;
 * fewer cases each carry more of the digest, so the share is also printed per day for another volume.
 */
export const CASES_PER_YEAR = 1000;

/** What one case used, counted from a real run of its path. */
export interface CaseUsage {
  stateTransitions: number;
  /** Every Lambda invocation: the workflow's tasks and the API functions answering people. */
  invocations: { functionId: string; billedMs: number }[];
  readRequestUnits: number;
  writeRequestUnits: number;
  emails: number;
  attachmentBytes: number;
  apiRequests: number;
  /** The case's items as DynamoDB bills storage (with the 100-byte overhead each), indexes included. */
  storedBytes: number;
  /** Bytes the case's functions, executions and API stage write to CloudWatch Logs. */
  logBytes: number;
  /** Traces X-Ray records: one per execution and one per API request. */
  traces: number;
  /**
   * Requests on the case's files, the functions' and the browsers' (through presigned URLs), in S3's two
   * price tiers: PUT, COPY, POST and LIST; GET, HEAD and the rest. DELETE is free.
   */
  s3Requests: { put: number; get: number };
  /** The size of each file the case keeps in the evidence bucket: its evidence and its rendered documents. */
  caseFileBytes: number[];
  /** Days from the report to the close (legal time): its files are tagged for archiving when it closes. */
  openDays: number;
  /** Bytes browsers downloaded through presigned GETs: data transferred out to the internet. */
  downloadBytes: number;
  /** UTC days on which the case's chain head moved: the case's head is in each of those days' digest. */
  digestDays: number;
  /** Read units reading the case's head costs a digest (BatchGetItem, consistent reads). */
  digestHeadReadUnits: number;
  /** Bytes the case's head adds to a digest. */
  digestHeadBytes: number;
}

/** One day's digest that anchors no case: what the deployment spends on digests whatever its cases. */
export interface DailyDigestUsage {
  invocation: { functionId: string; billedMs: number };
  readRequestUnits: number;
  s3Requests: { put: number; get: number };
  /** kms:Sign requests. */
  signs: number;
  /** The digest file's bytes, kept for the digest bucket's retention. */
  bytes: number;
}

interface CostPart {
  quantity: number;
  unit: string;
  unitUsd: number;
  usd: number;
}

export interface CaseCost {
  region: string;
  pricesRegion: string;
  pricesReadOn: string;
  /** Months every store keeps the case: the evidence bucket's Object Lock retention. */
  storageMonths: number;
  /** What one day's digest costs the deployment, shared among its cases. */
  dailyDigestUsd: number;
  parts: Record<string, CostPart>;
  total: number;
}

function part(quantity: number, unit: string, unitUsd: number): CostPart {
  return { quantity, unit, unitUsd, usd: quantity * unitUsd };
}

function memoryGbOf(functionId: string, stack: DeployedStack): number {
  const memoryMb = stack.memoryMbById.get(functionId);
  if (memoryMb === undefined) throw new Error(`no deployed function ${functionId} in the template`);
  return memoryMb / 1024;
}

/** GB-seconds of the invocations, each at the memory the template gives its function. */
function gbSeconds(invocations: CaseUsage['invocations'], stack: DeployedStack): number {
  return invocations.reduce(
    (sum, invocation) => sum + (invocation.billedMs / 1000) * memoryGbOf(invocation.functionId, stack),
    0,
  );
}

/**
 * Months a case file spends in each storage class over the bucket's retention: in Standard until the
 * lifecycle moves it — after `archiveAfterDays` from upload, or (counted from the report, where most
 * files are uploaded) `closedArchiveAfterDays` after the case closes and tags its files, whichever comes first.
 */
function caseFileMonths(stack: DeployedStack, openDays: number): { standard: number; archived: number } {
  const { retentionDays, archiveAfterDays, closedArchiveAfterDays } = stack.caseFiles;
  const standardDays = Math.min(
    retentionDays,
    archiveAfterDays ?? retentionDays,
    closedArchiveAfterDays === undefined ? retentionDays : Math.ceil(openDays) + closedArchiveAfterDays,
  );
  return { standard: standardDays * MONTHS_PER_DAY, archived: (retentionDays - standardDays) * MONTHS_PER_DAY };
}

/** What one day's digest costs, and the part of it that is KMS. */
function dailyDigestCost(digest: DailyDigestUsage, stack: DeployedStack, prices: PriceTable) {
  const usd = prices.usd;
  const run =
    usd.lambdaRequest +
    (digest.invocation.billedMs / 1000) * memoryGbOf(digest.invocation.functionId, stack) * usd.lambdaArmGbSecond +
    digest.readRequestUnits * usd.readRequestUnit +
    digest.s3Requests.put * usd.s3PutRequest +
    digest.s3Requests.get * usd.s3GetRequest +
    (digest.bytes / GB) * stack.digestRetentionDays * MONTHS_PER_DAY * usd.s3StandardGbMonth;
  const kms = digest.signs * usd.kmsAsymmetricRequest;
  return { run, kms, total: run + kms };
}

/**
 * Prices a case's usage: every part is its quantity times its unit price, and the total is their sum.
 * Storage is priced over the whole retention the stack sets for case files (the evidence bucket's Object
 * Lock): the table deletes nothing and keeps the history those files are evidence for, so its items and
 * their backups are priced over the same months. The daily digest is shared among `casesPerYear` cases.
 */
export function costOfCase(
  usage: CaseUsage,
  digest: DailyDigestUsage,
  stack: DeployedStack,
  prices: PriceTable,
  casesPerYear = CASES_PER_YEAR,
): CaseCost {
  // Regions price DynamoDB, API Gateway, S3 and CloudWatch Logs differently: another region's table would
  // give a figure for a deployment that does not exist.
  if (prices.region !== stack.region)
    throw new Error(`the price table is for ${prices.region}, the stack deploys to ${stack.region}`);
  const usd = prices.usd;
  const storedGb = usage.storedBytes / GB;
  const storageMonths = stack.caseFiles.retentionDays * MONTHS_PER_DAY;
  const years = `${Math.round(stack.caseFiles.retentionDays / 365)} years`;
  const logGb = usage.logBytes / GB;
  const fileMonths = caseFileMonths(stack, usage.openDays);
  const fileGb = usage.caseFileBytes.reduce((sum, bytes) => sum + bytes, 0) / GB;
  const archivedGb =
    usage.caseFileBytes.reduce((sum, bytes) => sum + Math.max(bytes, GLACIER_INSTANT_MINIMUM_BYTES), 0) / GB;
  const archived = fileMonths.archived > 0;
  const daily = dailyDigestCost(digest, stack, prices);
  const digestDaysPerCase = 365 / casesPerYear;
  const digestMonths = stack.digestRetentionDays * MONTHS_PER_DAY;
  const parts: Record<string, CostPart> = {
    'stepfunctions.transitions': part(usage.stateTransitions, 'state transitions', usd.stateTransition),
    'lambda.requests': part(usage.invocations.length, 'requests', usd.lambdaRequest),
    'lambda.compute': part(gbSeconds(usage.invocations, stack), 'GB-s (arm64)', usd.lambdaArmGbSecond),
    'dynamodb.writes': part(usage.writeRequestUnits, 'write request units', usd.writeRequestUnit),
    'dynamodb.reads': part(usage.readRequestUnits, 'read request units', usd.readRequestUnit),
    'dynamodb.storage': part(storedGb * storageMonths, `GB-months (${years})`, usd.storageGbMonth),
    'dynamodb.pitr': part(
      stack.pointInTimeRecovery ? storedGb * storageMonths : 0,
      `GB-months (${years})`,
      usd.pitrGbMonth,
    ),
    'ses.emails': part(usage.emails, 'emails', usd.email),
    'ses.attachments': part(usage.attachmentBytes / GB, 'GB', usd.attachmentGb),
    'apigateway.requests': part(usage.apiRequests, 'requests', usd.apiRequest),
    'waf.requests': part(stack.firewall ? usage.apiRequests : 0, 'requests', usd.wafRequest),
    'logs.ingestion': part(logGb, 'GB', usd.logIngestGb),
    'logs.storage': part(
      logGb * stack.logRetentionDays * MONTHS_PER_DAY,
      `GB-months (${stack.logRetentionDays} days)`,
      usd.logStorageGbMonth,
    ),
    'xray.traces': part(stack.tracing ? usage.traces : 0, 'traces', usd.xrayTrace),
    's3.put_requests': part(usage.s3Requests.put, 'PUT/COPY/POST/LIST requests', usd.s3PutRequest),
    's3.get_requests': part(usage.s3Requests.get, 'GET/HEAD requests', usd.s3GetRequest),
    's3.storage_standard': part(
      fileGb * fileMonths.standard,
      `GB-months (Standard, ${Math.round(fileMonths.standard / MONTHS_PER_DAY)} days)`,
      usd.s3StandardGbMonth,
    ),
    's3.storage_glacier_ir': part(
      archivedGb * fileMonths.archived,
      `GB-months (Glacier Instant Retrieval, 128 KB minimum per file, ${Math.round(fileMonths.archived / MONTHS_PER_DAY)} days)`,
      usd.s3GlacierInstantGbMonth,
    ),
    's3.transitions': part(
      archived ? usage.caseFileBytes.length : 0,
      'lifecycle transitions',
      usd.s3GlacierInstantTransition,
    ),
    'datatransfer.out': part(usage.downloadBytes / GB, 'GB downloaded', usd.dataTransferOutGb),
    'kms.requests': part(
      digest.signs * digestDaysPerCase,
      `kms:Sign (one digest a day among ${casesPerYear} cases a year)`,
      usd.kmsAsymmetricRequest,
    ),
    'digests.daily_run': part(
      digestDaysPerCase,
      `days of the digest function, its reads and its file (among ${casesPerYear} cases a year)`,
      daily.run,
    ),
    'digests.case_heads': part(
      usage.digestDays,
      'digests holding the case (its head read, its line kept)',
      usage.digestHeadReadUnits * usd.readRequestUnit +
        (usage.digestHeadBytes / GB) * digestMonths * usd.s3StandardGbMonth,
    ),
  };
  const total = Object.values(parts).reduce((sum, p) => sum + p.usd, 0);
  return {
    region: stack.region,
    pricesRegion: prices.region,
    pricesReadOn: prices.readOn,
    storageMonths,
    dailyDigestUsd: daily.total,
    parts,
    total,
  };
}

/**
 * What keeping the case costs a month: while its files are in S3 Standard, and once they are archived
 * (the table's items and their backups the same throughout).
 */
export function monthlyStorageOf(
  usage: CaseUsage,
  stack: DeployedStack,
  prices: PriceTable,
): { standard: number; archived: number } {
  const usd = prices.usd;
  const table = (usage.storedBytes / GB) * (usd.storageGbMonth + (stack.pointInTimeRecovery ? usd.pitrGbMonth : 0));
  const files = usage.caseFileBytes;
  return {
    standard: table + (files.reduce((sum, bytes) => sum + bytes, 0) / GB) * usd.s3StandardGbMonth,
    archived:
      table +
      (files.reduce((sum, bytes) => sum + Math.max(bytes, GLACIER_INSTANT_MINIMUM_BYTES), 0) / GB) *
        usd.s3GlacierInstantGbMonth,
  };
}
