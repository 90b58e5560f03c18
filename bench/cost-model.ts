import type { DeployedStack } from './deployed-stack';
import type { PriceTable } from './prices';

/**
 * How long a case's items are priced as stored. Rectify deletes nothing (the history is evidence and the
 * table is retained); ten years is the horizon priced, and storage grows linearly beyond it.
 */
export const STORAGE_YEARS = 10;
const MONTHS_PER_DAY = 12 / 365;
const GB = 1024 ** 3;

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
  parts: Record<string, CostPart>;
  total: number;
}

function part(quantity: number, unit: string, unitUsd: number): CostPart {
  return { quantity, unit, unitUsd, usd: quantity * unitUsd };
}

/** GB-seconds of the invocations, each at the memory the template gives its function. */
function gbSeconds(invocations: CaseUsage['invocations'], stack: DeployedStack): number {
  return invocations.reduce((sum, invocation) => {
    const memoryMb = stack.memoryMbById.get(invocation.functionId);
    if (memoryMb === undefined) throw new Error(`no deployed function ${invocation.functionId} in the template`);
    return sum + (invocation.billedMs / 1000) * (memoryMb / 1024);
  }, 0);
}

/** Prices a case's usage: every part is its quantity times its unit price, and the total is their sum. */
export function costOfCase(usage: CaseUsage, stack: DeployedStack, prices: PriceTable): CaseCost {
  // Regions price DynamoDB, API Gateway and CloudWatch Logs differently: another region's table would
  // give a figure for a deployment that does not exist.
  if (prices.region !== stack.region)
    throw new Error(`the price table is for ${prices.region}, the stack deploys to ${stack.region}`);
  const usd = prices.usd;
  const storedGb = usage.storedBytes / GB;
  const storageMonths = STORAGE_YEARS * 12;
  const logGb = usage.logBytes / GB;
  const parts: Record<string, CostPart> = {
    'stepfunctions.transitions': part(usage.stateTransitions, 'state transitions', usd.stateTransition),
    'lambda.requests': part(usage.invocations.length, 'requests', usd.lambdaRequest),
    'lambda.compute': part(gbSeconds(usage.invocations, stack), 'GB-s (arm64)', usd.lambdaArmGbSecond),
    'dynamodb.writes': part(usage.writeRequestUnits, 'write request units', usd.writeRequestUnit),
    'dynamodb.reads': part(usage.readRequestUnits, 'read request units', usd.readRequestUnit),
    'dynamodb.storage': part(storedGb * storageMonths, `GB-months (${STORAGE_YEARS} years)`, usd.storageGbMonth),
    'dynamodb.pitr': part(
      stack.pointInTimeRecovery ? storedGb * storageMonths : 0,
      `GB-months (${STORAGE_YEARS} years)`,
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
  };
  const total = Object.values(parts).reduce((sum, p) => sum + p.usd, 0);
  return { region: stack.region, pricesRegion: prices.region, pricesReadOn: prices.readOn, parts, total };
}
