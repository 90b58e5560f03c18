import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import type { CaseUsage, DailyDigestUsage } from '../../bench/cost-model';
import { CASES_PER_YEAR, costOfCase, monthlyStorageOf } from '../../bench/cost-model';
import type { DeployedStack } from '../../bench/deployed-stack';
import { synthesizeDeployedStack } from '../../bench/deployed-stack';
import { itemBytes, storedBytes } from '../../bench/item-size';
import { PRICES } from '../../bench/prices';
import { MANIFEST } from '#infra/manifest';
import type { Manifest } from '#infra/manifest-types';

/** The cost of an enforced case (bench/workflow.bench.ts): its inputs, its arithmetic, its recorded figures. */

/** The manifest with other memory sizes for one task and one API function than any default. */
const resized: Manifest = {
  ...MANIFEST,
  functions: MANIFEST.functions.map((spec) =>
    spec.id === 'ScheduleEnforcement'
      ? { ...spec, memoryMb: 1536 }
      : spec.id === 'RecordInspection'
        ? { ...spec, memoryMb: 640 }
        : spec,
  ),
};

const usage: CaseUsage = {
  stateTransitions: 22,
  invocations: [
    { functionId: 'ScheduleEnforcement', billedMs: 1000 },
    { functionId: 'RecordInspection', billedMs: 2000 },
  ],
  readRequestUnits: 17,
  writeRequestUnits: 620,
  emails: 7,
  attachmentBytes: 0,
  apiRequests: 5,
  storedBytes: 100_000,
  logBytes: 45_000,
  traces: 7,
  s3Requests: { put: 10, get: 40 },
  caseFileBytes: [],
  openDays: 40,
  downloadBytes: 0,
  digestDays: 0,
  digestHeadReadUnits: 0,
  digestHeadBytes: 0,
};

const MB = 1024 ** 2;
const GB = 1024 ** 3;

/** A day's digest: one signature, three S3 reads and a write, 2 s of the digest function, a 300-byte file. */
const digest: DailyDigestUsage = {
  invocation: { functionId: 'DailyDigest', billedMs: 2000 },
  readRequestUnits: 1,
  s3Requests: { put: 2, get: 2 },
  signs: 1,
  bytes: 300,
};

describe('the cost of a case', () => {
  let deployed: DeployedStack;
  beforeAll(() => {
    deployed = synthesizeDeployedStack({ manifest: resized });
  });

  it('takes each function’s memory from the synthesized template, the tasks found through the state machine', () => {
    expect(deployed.memoryMbById.get('ScheduleEnforcement')).toBe(1536);
    expect(deployed.memoryMbById.get('RecordInspection')).toBe(640);
    expect(deployed.taskFunctionIds.get('ScheduleEnforcementFunctionArn')).toBe('ScheduleEnforcement');
    expect(deployed.routeFunctionIds.get('POST /cases/{id}/inspections')).toBe('RecordInspection');
    const cost = costOfCase(usage, digest, deployed, PRICES);
    // 1 s at 1.5 GB + 2 s at 0.625 GB.
    expect(cost.parts['lambda.compute']?.quantity).toBeCloseTo(1.5 + 1.25, 9);
  });

  it('prices every service a case uses, each part its quantity times its unit price, adding up to the total', () => {
    const cost = costOfCase(usage, digest, deployed, PRICES);
    expect(Object.keys(cost.parts).sort()).toEqual(
      expect.arrayContaining([
        'apigateway.requests',
        'dynamodb.reads',
        'dynamodb.storage',
        'dynamodb.writes',
        'lambda.compute',
        'lambda.requests',
        'logs.ingestion',
        'ses.emails',
        'stepfunctions.transitions',
        's3.put_requests',
        's3.get_requests',
        's3.storage_standard',
        's3.storage_glacier_ir',
        'datatransfer.out',
        'kms.requests',
        'digests.daily_run',
        'digests.case_heads',
      ]),
    );
    for (const part of Object.values(cost.parts)) expect(part.usd).toBeCloseTo(part.quantity * part.unitUsd, 15);
    const sum = Object.values(cost.parts).reduce((total, part) => total + part.usd, 0);
    expect(cost.total).toBeCloseTo(sum, 15);
    expect(cost.parts['ses.emails']?.usd).toBeCloseTo(7 * PRICES.usd.email, 15);
    expect(cost.parts['apigateway.requests']?.usd).toBeCloseTo(5 * PRICES.usd.apiRequest, 15);
    // The deployed table keeps point-in-time backups and a firewall inspects the API: both are priced.
    expect(deployed.pointInTimeRecovery).toBe(true);
    expect(cost.parts['dynamodb.pitr']?.usd).toBeGreaterThan(0);
    expect(deployed.firewall).toBe(true);
    expect(cost.parts['waf.requests']?.quantity).toBe(5);
  });

  it('reads how the evidence bucket keeps case files, and the digests, from the template', () => {
    // Object Lock GOVERNANCE for 30 years, Glacier Instant Retrieval after a year (infra/config.ts defaults),
    // or the day after a closed case tags its files.
    expect(deployed.caseFiles).toEqual({
      retentionDays: 10_950,
      lockMode: 'GOVERNANCE',
      archiveAfterDays: 365,
      closedArchiveAfterDays: 1,
    });
    expect(deployed.digestRetentionDays).toBe(10_950);
  });

  it('keeps the files of a case in Standard until the day after it closes, then archived at 128 KB or more', () => {
    const photo = 3 * MB;
    const pdf = 44 * 1024;
    const months = (days: number) => (days * 12) / 365;
    const cost = costOfCase({ ...usage, caseFileBytes: [photo, pdf], openDays: 39.2 }, digest, deployed, PRICES);
    expect(cost.parts['s3.storage_standard']?.quantity).toBeCloseTo(((photo + pdf) / GB) * months(41), 12);
    expect(cost.parts['s3.storage_glacier_ir']?.quantity).toBeCloseTo(
      ((photo + 128 * 1024) / GB) * months(10_950 - 41),
      12,
    );
  });

  it('keeps the table and the files over the retention: files of a case open for over a year in Standard for a year, then archived at 128 KB or more', () => {
    const photo = 3 * MB;
    const pdf = 44 * 1024;
    const cost = costOfCase({ ...usage, caseFileBytes: [photo, pdf], openDays: 500 }, digest, deployed, PRICES);
    const months = (days: number) => (days * 12) / 365;
    expect(cost.storageMonths).toBeCloseTo(months(10_950), 9);
    expect(cost.parts['dynamodb.storage']?.quantity).toBeCloseTo((100_000 / GB) * months(10_950), 12);
    expect(cost.parts['s3.storage_standard']?.quantity).toBeCloseTo(((photo + pdf) / GB) * months(365), 12);
    expect(cost.parts['s3.storage_standard']?.unitUsd).toBe(PRICES.usd.s3StandardGbMonth);
    // The 44 KB document is billed as 128 KB once archived.
    expect(cost.parts['s3.storage_glacier_ir']?.quantity).toBeCloseTo(
      ((photo + 128 * 1024) / GB) * months(10_950 - 365),
      12,
    );
    expect(cost.parts['s3.transitions']?.quantity).toBe(2);

    const neverArchived = costOfCase(
      { ...usage, caseFileBytes: [photo, pdf] },
      digest,
      { ...deployed, caseFiles: { retentionDays: 3650, lockMode: 'GOVERNANCE' } },
      PRICES,
    );
    expect(neverArchived.parts['s3.storage_standard']?.quantity).toBeCloseTo(((photo + pdf) / GB) * months(3650), 12);
    expect(neverArchived.parts['s3.storage_glacier_ir']?.usd).toBe(0);
    expect(neverArchived.parts['s3.transitions']?.usd).toBe(0);
    expect(neverArchived.parts['dynamodb.storage']?.quantity).toBeCloseTo((100_000 / GB) * months(3650), 12);
  });

  it('prices S3 requests by tier and browser downloads as data transferred out', () => {
    const cost = costOfCase({ ...usage, downloadBytes: GB / 2 }, digest, deployed, PRICES);
    expect(cost.parts['s3.put_requests']?.usd).toBeCloseTo(10 * PRICES.usd.s3PutRequest, 15);
    expect(cost.parts['s3.get_requests']?.usd).toBeCloseTo(40 * PRICES.usd.s3GetRequest, 15);
    expect(cost.parts['datatransfer.out']?.usd).toBeCloseTo(PRICES.usd.dataTransferOutGb / 2, 15);
  });

  it('shares the daily digest among the year’s cases and adds the digests that hold the case', () => {
    const oneCaseADay = costOfCase(usage, digest, deployed, PRICES, 365);
    expect(oneCaseADay.parts['kms.requests']?.usd).toBeCloseTo(PRICES.usd.kmsAsymmetricRequest, 15);
    const dayRun =
      PRICES.usd.lambdaRequest +
      ((2 * (deployed.memoryMbById.get('DailyDigest') ?? Number.NaN)) / 1024) * PRICES.usd.lambdaArmGbSecond +
      PRICES.usd.readRequestUnit +
      2 * PRICES.usd.s3PutRequest +
      2 * PRICES.usd.s3GetRequest +
      (300 / GB) * ((10_950 * 12) / 365) * PRICES.usd.s3StandardGbMonth;
    expect(oneCaseADay.parts['digests.daily_run']?.usd).toBeCloseTo(dayRun, 15);
    expect(oneCaseADay.dailyDigestUsd).toBeCloseTo(dayRun + PRICES.usd.kmsAsymmetricRequest, 15);
    const twice = costOfCase(usage, digest, deployed, PRICES, 365 / 2);
    expect(twice.parts['digests.daily_run']?.usd).toBeCloseTo(2 * dayRun, 15);
    expect(costOfCase(usage, digest, deployed, PRICES).parts['kms.requests']?.quantity).toBeCloseTo(
      365 / CASES_PER_YEAR,
      12,
    );

    const inDigests = costOfCase(
      { ...usage, digestDays: 10, digestHeadReadUnits: 2, digestHeadBytes: 100 },
      digest,
      deployed,
      PRICES,
    );
    expect(inDigests.parts['digests.case_heads']?.usd).toBeCloseTo(
      10 * (2 * PRICES.usd.readRequestUnit + (100 / GB) * ((10_950 * 12) / 365) * PRICES.usd.s3StandardGbMonth),
      15,
    );
  });

  it('states what keeping the case costs a month, before and after its files are archived', () => {
    const monthly = monthlyStorageOf({ ...usage, caseFileBytes: [GB] }, deployed, PRICES);
    const table = (100_000 / GB) * (PRICES.usd.storageGbMonth + PRICES.usd.pitrGbMonth);
    expect(monthly.standard).toBeCloseTo(table + PRICES.usd.s3StandardGbMonth, 15);
    expect(monthly.archived).toBeCloseTo(table + PRICES.usd.s3GlacierInstantGbMonth, 15);
  });

  it('is priced in the region the stack deploys to', () => {
    expect(deployed.region).toBe('ap-southeast-1');
    expect(costOfCase(usage, digest, deployed, PRICES).pricesRegion).toBe(deployed.region);
    expect(() => costOfCase(usage, digest, { ...deployed, region: 'us-east-1' }, PRICES)).toThrow(
      /price table is for ap-southeast-1, the stack deploys to us-east-1/,
    );
  });

  it('refuses an invocation of a function the template does not have', () => {
    expect(() =>
      costOfCase({ ...usage, invocations: [{ functionId: 'NoSuchFunction', billedMs: 1 }] }, digest, deployed, PRICES),
    ).toThrow(/NoSuchFunction/);
  });

  it('records a figure whose breakdown adds up to it in bench/results.json', () => {
    const results = z
      .object({ figures: z.record(z.string(), z.object({ value: z.number(), unit: z.string() })) })
      .parse(JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'bench', 'results.json'), 'utf8')));
    const total = results.figures['cost.usd_per_case_enforcement'];
    const parts = Object.entries(results.figures).filter(([name]) => name.startsWith('cost.enforcement.'));
    expect(parts.map(([name]) => name.replace('cost.enforcement.', '')).sort()).toEqual(
      Object.keys(costOfCase(usage, digest, deployed, PRICES).parts).sort(),
    );
    // The total is rounded to 6 decimals, each part to 9.
    expect(total?.value).toBeCloseTo(
      parts.reduce((sum, [, figure]) => sum + figure.value, 0),
      5,
    );
  });
});

describe('item sizes as DynamoDB counts them', () => {
  it('counts names and values: strings in UTF-8, numbers by digits, lists and maps with their overhead', () => {
    expect(itemBytes({ PK: 'CASE#1' })).toBe(2 + 6);
    expect(itemBytes({ 区: '街道' })).toBe(3 + 6);
    expect(itemBytes({ n: 12345 })).toBe(1 + 4);
    expect(itemBytes({ l: ['ab', true] })).toBe(1 + 3 + (1 + 2) + (1 + 1));
    expect(itemBytes({ m: { k: 'v' } })).toBe(1 + 3 + (1 + 1 + 1));
  });

  it('adds 100 bytes per stored copy and the projection of each index the item is in', () => {
    const item = { PK: 'p', SK: 's', GSI1PK: 'g', GSI1SK: 'h', status: 'OPEN', text: 'x'.repeat(50) };
    const index = { name: 'byStatus', keys: ['GSI1PK', 'GSI1SK'], projected: ['status'] };
    const projection = itemBytes({ PK: 'p', SK: 's', GSI1PK: 'g', GSI1SK: 'h', status: 'OPEN' });
    expect(storedBytes(item, [index])).toBe(itemBytes(item) + 100 + projection + 100);
    expect(storedBytes({ PK: 'p', SK: 's' }, [index])).toBe(itemBytes({ PK: 'p', SK: 's' }) + 100);
  });
});
