import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as z from 'zod';
import path from 'node:path';
import { startDynamoDbLocal } from '#local/dynamodb-local';
import { BENCHMARKS } from './benchmarks';
import type { Figures } from './harness';
import { makeFreshTable } from './harness';

/**
 * `npm run bench [name-filter]`: runs the benchmarks against a fresh DynamoDB Local, prints a table and
 * writes bench/results.json as {"figures": {"<name>": {"value": n, "unit": "u"}}}.
 */
const resultsSchema = z.object({ figures: z.record(z.string(), z.object({ value: z.number(), unit: z.string() })) });

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.AWS_REGION ??= 'ap-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  const filter = process.argv[2];
  const dynamo = await startDynamoDbLocal({ heapMb: 512 });
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  const figures: Figures = {};
  const failures: string[] = [];
  try {
    for (const benchmark of BENCHMARKS) {
      if (filter && !benchmark.name.includes(filter)) continue;
      console.error(`▶ ${benchmark.name}`);
      try {
        Object.assign(
          figures,
          await benchmark.run({ dynamo, freshTable: makeFreshTable, log: (m) => console.error(`  ${m}`) }),
        );
      } catch (error) {
        failures.push(`${benchmark.name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }
  } finally {
    await dynamo.stop();
  }
  const width = Math.max(...Object.keys(figures).map((k) => k.length), 10);
  console.log(`${'figure'.padEnd(width)}  ${'value'.padStart(12)}  unit`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(12)}  ----`);
  for (const [name, { value, unit }] of Object.entries(figures))
    console.log(`${name.padEnd(width)}  ${String(value).padStart(12)}  ${unit}`);
  const file = path.join(__dirname, 'results.json');
  // A filtered run updates its own figures and keeps the others from the last full run.
  const previous =
    filter && existsSync(file) ? resultsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8'))) : undefined;
  const merged = { ...(previous?.success ? previous.data.figures : {}), ...figures };
  writeFileSync(file, `${JSON.stringify({ figures: merged }, null, 2)}\n`);
  console.log(`\nwritten to ${path.relative(process.cwd(), file)}`);
  if (failures.length) {
    console.error(`\n${failures.length} benchmark(s) failed:\n${failures.join('\n')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
