import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import * as z from 'zod';
import { ApiProblem, RectifyApi, query } from './api-client';
import { importRows } from './import-survey';
import { readSurvey } from './survey-file';

/**
 * `rectify`: the Rectify API from a terminal. Every command is a plain API call, so an auditor's token
 * can read and export but never write.
 */

const program = new Command()
  .name('rectify')
  .description('Illegal-construction cases (违法建设) from the command line')
  .option('--api <url>', 'API base URL (env RECTIFY_API_URL)', process.env.RECTIFY_API_URL ?? 'http://localhost:3000')
  .option('--token <jwt>', 'bearer token (env RECTIFY_TOKEN)', process.env.RECTIFY_TOKEN);

function api(): RectifyApi {
  const { api: baseUrl, token } = program.opts<{ api: string; token?: string }>();
  if (!token) {
    throw new InvalidArgumentError('a token is required: pass --token or set RECTIFY_TOKEN (locally: npm run token -- --role officer)');
  }
  return new RectifyApi(baseUrl, token);
}

const print = (value: unknown): void => {
  process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);
};

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1');
  return n;
}

const listOptions = (command: Command) =>
  command
    .option('--status <status>', 'case status, e.g. NOTICE_ISSUED')
    .option('--subdistrict <name>', 'sub-district (街道)')
    .option('--community <name>', 'community (社区)')
    .option('--from <date>', 'reported on or after (YYYY-MM-DD, Asia/Shanghai)')
    .option('--to <date>', 'reported before (YYYY-MM-DD, Asia/Shanghai)')
    .option('--overdue', 'only cases whose running deadline has passed');

type ListOptions = { status?: string; subdistrict?: string; community?: string; from?: string; to?: string; overdue?: boolean };
const listQuery = (o: ListOptions, extra: Record<string, string | number | undefined> = {}) =>
  query({ status: o.status, subdistrict: o.subdistrict, community: o.community, from: o.from, to: o.to, overdue: o.overdue ? 'true' : undefined, ...extra });

program
  .command('submit')
  .description('submit a case from a JSON file (see GET /openapi.json for the shape)')
  .argument('<file>', 'submission JSON')
  .option('--key <idempotency-key>', 'idempotency key (default: derived from the file content)')
  .action(async (file: string, options: { key?: string }) => {
    const text = readFileSync(file, 'utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new InvalidArgumentError(`${file} is not valid JSON`);
    }
    const { createHash } = await import('node:crypto');
    const key = options.key ?? `submit-${createHash('sha256').update(text).digest('hex').slice(0, 40)}`;
    print((await api().post('cases', body, { 'idempotency-key': key })).body);
  });

program
  .command('show')
  .description('show one case')
  .argument('<id>')
  .action(async (id: string) => print((await api().get(`cases/${encodeURIComponent(id)}`)).body));

program
  .command('history')
  .description("a case's history, every page; --verify checks the hash chain")
  .argument('<id>')
  .option('--verify', 'verify the SHA-256 chain on the server')
  .action(async (id: string, options: { verify?: boolean }) => {
    const client = api();
    const events: unknown[] = [];
    let cursor: string | undefined;
    let verification: unknown;
    do {
      const page = z
        .object({ items: z.array(z.unknown()), cursor: z.string().nullish(), verification: z.unknown().optional() })
        .loose()
        .parse((await client.get(`cases/${encodeURIComponent(id)}/history${query({ cursor, verify: options.verify ? 'true' : undefined })}`)).body);
      events.push(...page.items);
      cursor = page.cursor ?? undefined;
      verification = page.verification ?? verification;
    } while (cursor);
    print(options.verify ? { events, verification } : events);
  });

listOptions(program.command('list').description('list cases'))
  .option('--limit <n>', 'page size', positiveInt)
  .option('--all', 'follow the cursor through every page')
  .action(async (options: ListOptions & { limit?: number; all?: boolean }) => {
    const client = api();
    const items: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = z
        .object({ items: z.array(z.unknown()), cursor: z.string().nullish() })
        .loose()
        .parse((await client.get(`cases${listQuery(options, { limit: options.limit, cursor })}`)).body);
      items.push(...page.items);
      cursor = options.all ? (page.cursor ?? undefined) : undefined;
      if (!options.all && page.cursor) process.stderr.write(`more: --all, or cursor ${page.cursor}\n`);
    } while (cursor);
    print(items);
  });

listOptions(program.command('export').description('export a filtered list, or one case chronology with --case, as CSV (UTF-8 with BOM) or JSON'))
  .option('--case <id>', "export this case's chronology instead of a list")
  .option('--format <format>', 'csv or json', 'csv')
  .option('--out <file>', 'write to a file instead of stdout')
  .action(async (options: ListOptions & { case?: string; format: string; out?: string }) => {
    if (options.format !== 'csv' && options.format !== 'json') throw new InvalidArgumentError('--format must be csv or json');
    const client = api();
    const path = options.case ? `cases/${encodeURIComponent(options.case)}/history/export` : 'cases/export';
    const accept = options.format === 'csv' ? 'text/csv' : 'application/json';
    const response = await client.get(`${path}${options.case ? query({ format: options.format }) : listQuery(options, { format: options.format })}`, accept);
    if (options.out) {
      const out = createWriteStream(options.out);
      out.end(response.text);
      await new Promise<void>((resolve, reject) => out.on('finish', () => resolve()).on('error', reject));
      process.stderr.write(`written to ${options.out}\n`);
    } else {
      process.stdout.write(response.text);
    }
  });

program
  .command('report')
  .description('the work-summary figures by sub-district and community')
  .option('--from <date>', 'reported on or after (YYYY-MM-DD)')
  .option('--to <date>', 'reported before (YYYY-MM-DD)')
  .option('--subdistrict <name>')
  .option('--community <name>')
  .option('--json', 'print JSON instead of a table')
  .action(async (options: { from?: string; to?: string; subdistrict?: string; community?: string; json?: boolean }) => {
    const body = (await api().get(`reports/summary${query({ from: options.from, to: options.to, subdistrict: options.subdistrict, community: options.community })}`)).body;
    if (options.json) return print(body);
    const rows = z.object({ rows: z.array(z.record(z.string(), z.unknown())) }).loose().parse(body).rows;
    console.table(rows);
  });

program
  .command('import')
  .description('import a survey (违法建设普查) CSV: good rows become cases, bad rows are reported; re-importing adds nothing')
  .argument('<survey.csv>')
  .option('--concurrency <n>', 'requests (of up to 25 rows each) in flight at once', positiveInt, 4)
  .option('--errors <file>', 'also write the per-row error report to this CSV file')
  .option('--dry-run', 'check the file and report bad rows without submitting')
  .action(async (file: string, options: { concurrency: number; errors?: string; dryRun?: boolean }) => {
    const parsed = readSurvey(readFileSync(file), new Date());
    if (parsed.encoding === 'gbk') process.stderr.write('note: the file was read as GBK\n');
    let failed = parsed.errors;
    let created = 0;
    let already = 0;
    if (!options.dryRun && parsed.rows.length) {
      const bar = new SingleBar({ format: 'importing [{bar}] {value}/{total} rows', stream: process.stderr }, Presets.shades_classic);
      bar.start(parsed.rows.length, 0);
      const outcome = await importRows(api(), parsed.rows, { concurrency: options.concurrency, onProgress: (done) => bar.update(done) });
      bar.stop();
      created = outcome.created.length;
      already = outcome.alreadyImported.length;
      failed = [...failed, ...outcome.failed].sort((a, b) => a.row - b.row);
    }
    for (const error of failed) process.stderr.write(`row ${error.row}: ${error.field}: ${error.reason}\n`);
    if (options.errors) {
      const escape = (v: string | number) => `"${String(v).replaceAll('"', '""')}"`;
      writeFileSync(options.errors, `\uFEFFrow,field,reason\n${failed.map((e) => [e.row, e.field, e.reason].map(escape).join(',')).join('\n')}\n`);
    }
    print({ file, valid: parsed.rows.length, created, alreadyImported: already, badRows: new Set(failed.map((e) => e.row)).size, dryRun: Boolean(options.dryRun) });
    if (failed.length) process.exitCode = 2;
  });

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ApiProblem) {
    process.stderr.write(`error: ${error.message}\n`);
    for (const e of error.problem.errors ?? []) process.stderr.write(`  ${e.field}: ${e.message}\n`);
  } else {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exitCode = 1;
});
