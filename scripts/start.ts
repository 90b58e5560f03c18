import path from 'node:path';
import * as z from 'zod';
import type { Role } from '#domain/vocabulary';
import { ROLES } from '#domain/vocabulary';
import { shanghaiDateOf } from '#domain/shanghai-time';
import { DEMO_REPORTER_SUB } from '#local/demo-data';
import { DEFAULT_CLOCK_FACTOR, DEFAULT_PORT, startLocalStack } from '#local/stack';
import { DEFAULT_MAIL_PORT } from '#local/ses-local';
import { parseEnv } from '#shared/env';
import { ensureConsoleBuilt } from './console-build';

/** `npm start`: the whole local stack in this process, until Ctrl-C. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORT),
  MAIL_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_MAIL_PORT),
  DATA_DIR: z.string().min(1).default('./data'),
  CLOCK_FACTOR: z.coerce.number().min(1).max(10_000_000).default(DEFAULT_CLOCK_FACTOR),
  HOST: z.string().min(1).default('127.0.0.1'),
  POWERTOOLS_LOG_LEVEL: z.string().optional(),
  RECTIFY_VERBOSE: z.enum(['0', '1']).default('0'),
});

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * Ctrl-C, `kill` and a closed terminal stop the stack in order (API, engine, mail, database) and say
 * "Stopped.". The handlers are installed before anything starts, so a signal during the start stops what
 * has started once the start is over. DynamoDB Local runs in a process group of its own: the terminal's
 * Ctrl-C reaches this process only, which stops the database last, after everything that writes to it.
 */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let stopSignal: string | undefined;
let stopRunningStack: ((signal: string) => void) | undefined;
for (const signal of STOP_SIGNALS)
  process.on(signal, () => {
    if (stopSignal) return;
    stopSignal = signal;
    stopRunningStack?.(signal);
  });

function exitAfterWriting(line: string, code: number): void {
  process.stdout.write(`${line}\n`, () => process.exit(code));
}

async function main(): Promise<void> {
  const env = parseEnv(envSchema);
  const dataDir = path.resolve(env.DATA_DIR);
  const verbose = env.RECTIFY_VERBOSE === '1';
  const log = (line: string) => {
    if (verbose || /^(warn|error)/.test(line)) console.error(line);
  };
  const consoleDir = await ensureConsoleBuilt((line) => console.log(line));
  if (stopSignal) return exitAfterWriting('Stopped before the stack started.', 0);
  console.log(`Starting Rectify locally (data in ${dataDir}, legal time ×${env.CLOCK_FACTOR})…`);
  const stack = await startLocalStack({
    dataDir,
    port: env.PORT,
    mailPort: env.MAIL_PORT,
    clockFactor: env.CLOCK_FACTOR,
    host: env.HOST,
    log,
    consoleDir,
  });

  stopRunningStack = (signal: string) => {
    console.log(
      `\n${signal}: stopping the API, the workflow engine, the mail sweep, the local SES and DynamoDB Local…`,
    );
    stack
      .stop()
      .then(() => exitAfterWriting(`Stopped. Every case is kept in ${dataDir}`, 0))
      .catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
  };
  if (stopSignal) return stopRunningStack(stopSignal);

  const tokens = {} as Record<Role, string>;
  for (const role of ROLES)
    tokens[role] = await stack.auth.issue({ role, sub: role === 'reporter' ? DEMO_REPORTER_SUB : `local-${role}` });
  const health = await stack.health();
  const api = stack.apiUrl;
  const sample = stack.demoCaseIds[0] ?? '<case id>';
  const lines = [
    '',
    `Rectify is running (${health.status === 'ok' ? 'all parts up' : `NOT ALL PARTS UP: ${JSON.stringify(health.parts)}`}).`,
    '',
    `  Console        ${stack.consoleUrl ?? ''}   (sign in as any role: the local stack issues the token)`,
    `  API            ${api}`,
    `  OpenAPI        ${api}/openapi.json`,
    `  Health         ${api}/health`,
    `  Mailbox page   ${stack.mailboxUrl}`,
    `  Data           ${dataDir}   (this user's only: folder 0700, files 0600)`,
    `  Legal time     ${stack.clock.now().toISOString()} (×${env.CLOCK_FACTOR}: one legal day every ${(86_400 / env.CLOCK_FACTOR).toFixed(1)} s)`,
    stack.resumed.length ? `  Resumed        ${stack.resumed.length} open workflow execution(s)` : '',
    stack.demoCaseIds.length ? `  Demo cases     ${stack.demoCaseIds.join(', ')}` : '',
    stack.dynamo.loopbackOnly
      ? `  Database       DynamoDB Local on ${stack.dynamo.endpoint} (127.0.0.1 only)`
      : `  WARNING        DynamoDB Local listens on EVERY network interface (port ${stack.dynamo.port}), without authentication: anyone who reaches this machine can read and change every case. Cause: ${stack.dynamo.exposure ?? 'unknown'}`,
    '',
    'Tokens (12 h; more with `npm run token -- --role <role> [--sub <id>]`):',
    ...ROLES.map((role) => `  export ${role.toUpperCase()}_TOKEN=${tokens[role]}`),
    '',
    'Try:',
    `  curl -s ${api}/cases/${sample} -H "Authorization: Bearer $OFFICER_TOKEN"`,
    `  curl -s "${api}/cases?subdistrict=%E5%B0%8F%E9%BE%99%E5%9D%8E%E8%A1%97%E9%81%93" -H "Authorization: Bearer $AUDITOR_TOKEN"`,
    `  curl -s -X POST ${api}/cases -H "Authorization: Bearer $REPORTER_TOKEN" -H 'Content-Type: application/json' \\`,
    `       -H "Idempotency-Key: $(node -e 'console.log(crypto.randomUUID())')" \\`,
    `       -d ${shellQuote(JSON.stringify({ location: { subdistrict: '小龙坎街道', community: '解放坡社区', address: '石小路9号 楼顶' }, category: 'unit-internal', severity: 'moderate', description: '楼顶加建活动板房一间', structure: { areaM2: 18, floors: 1, material: 'color-steel-sheet' }, responsibleParty: { name: '刘某', phone: '13700137000' }, reporter: { name: '李网格', unit: '解放坡社区居委会' }, discoveredOn: shanghaiDateOf(stack.clock.now()) }))}`,
    `  curl -s ${api}/cases/${sample}/history?verify=true -H "Authorization: Bearer $AUDITOR_TOKEN"`,
    `  open ${stack.mailboxUrl}   # the notice copies to the sub-district office arrive here`,
    '',
    'The rectify command line (README: "The rectify command line"):',
    `  export RECTIFY_API_URL=${api} RECTIFY_TOKEN=$OFFICER_TOKEN`,
    '  npx rectify list --subdistrict 小龙坎街道',
    '  npx rectify attention',
    '',
    'Ctrl-C stops everything; `npm start` again resumes where it stopped.',
  ];
  console.log(lines.join('\n').replace(/\n{3,}/g, '\n\n'));
}

main().catch((error: unknown) => {
  console.error('Rectify could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
