import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import * as z from 'zod';
import {
  APPEAL_KINDS,
  DISMISSAL_REASONS,
  INSPECTION_RESULTS,
  SERVED_DOCUMENTS,
  SERVICE_METHODS,
} from '#domain/vocabulary';
import { EVIDENCE_STAGES } from '#domain/evidence';
import type { EvidenceRecord } from '#domain/evidence';
import type { AnyRoute } from '#api/routes/define';
import { recordAppeal } from '#api/routes/record-appeal';
import { recordEnforcement } from '#api/routes/record-enforcement';
import { recordInspection } from '#api/routes/record-inspection';
import { recordRepresentation } from '#api/routes/record-representation';
import { recordService } from '#api/routes/record-service';
import { grantExtension } from '#api/routes/grant-extension';
import { dismissCase } from '#api/routes/dismiss-case';
import { resumeCase } from '#api/routes/resume-case';
import { ApiProblem, ApiUnreachable, RectifyApi, query } from './api-client';
import { ActionConflict, performAction } from './case-actions';
import { UploadRefused, downloadEvidenceFile, listCaseEvidence, uploadEvidenceFile } from './evidence';
import { downloadExport, exportLinkSchema } from './export-download';
import { ImportRefusedError, importRows } from '#domain/survey-import';
import type { ListedCase, ReportRow } from './render';
import { ATTENTION_COLUMNS, CASE_COLUMNS, EVIDENCE_COLUMNS, REPORT_COLUMNS, describeProblem, table } from './render';
import { readSurvey } from '#domain/survey-file';

/**
 * `rectify`: the Rectify API from a terminal. Every command is a plain API call, so an auditor's token
 * can read and export but never write.
 */

const DEFAULT_API_URL = 'http://127.0.0.1:3000';

// No default values on these two: commander prints defaults in --help, and a token must never be shown.
const program = new Command()
  .name('rectify')
  .description('Illegal-construction cases (违法建设) from the command line')
  .option('--api <url>', `API base URL (default: $RECTIFY_API_URL, else ${DEFAULT_API_URL})`)
  .option('--token <jwt>', 'bearer token (default: $RECTIFY_TOKEN; locally: npm run -s token -- --role officer)')
  .showHelpAfterError();

/** Where the API address came from, so a wrong one can be traced to its setting. */
function apiAddress(): { url: string; source: string } {
  const { api: flag } = program.opts<{ api?: string }>();
  if (flag) return { url: flag, source: '--api' };
  if (process.env.RECTIFY_API_URL) return { url: process.env.RECTIFY_API_URL, source: 'RECTIFY_API_URL' };
  return { url: DEFAULT_API_URL, source: 'the default (neither --api nor RECTIFY_API_URL is set)' };
}

function api(): RectifyApi {
  const token = program.opts<{ token?: string }>().token ?? process.env.RECTIFY_TOKEN;
  if (!token) {
    throw new InvalidArgumentError(
      'a token is required: pass --token or set RECTIFY_TOKEN (locally: export RECTIFY_TOKEN=$(npm run -s token -- --role officer))',
    );
  }
  return new RectifyApi(apiAddress().url, token);
}

const print = (value: unknown): void => {
  process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);
};

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1');
  return n;
}

function number(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('must be a number');
  return n;
}

const listOptions = (command: Command) =>
  command
    .option('--status <status>', 'case status, e.g. NOTICE_ISSUED')
    .option('--subdistrict <name>', 'sub-district (街道)')
    .option('--community <name>', 'community (社区)')
    .option('--from <date>', 'reported on or after (YYYY-MM-DD, Asia/Shanghai)')
    .option('--to <date>', 'reported on or before (YYYY-MM-DD, Asia/Shanghai)')
    .option('--overdue', 'only cases whose running deadline has passed');

type ListOptions = {
  status?: string;
  subdistrict?: string;
  community?: string;
  from?: string;
  to?: string;
  overdue?: boolean;
};
const listParams = (o: ListOptions) => ({
  status: o.status,
  subdistrict: o.subdistrict,
  community: o.community,
  from: o.from,
  to: o.to,
  overdue: o.overdue ? 'true' : undefined,
});

const pageSchema = z.object({ items: z.array(z.unknown()), cursor: z.string().nullish() }).loose();
/** What an action's output tells of the case besides its status: the documents issued but not yet served. */
const caseFacts = z.object({ unservedDocuments: z.array(z.string()).default([]) }).loose();
const listedCaseSchema = z
  .object({
    id: z.string(),
    status: z.string(),
    location: z.object({ subdistrict: z.string(), community: z.string(), address: z.string() }).loose(),
    reportedAt: z.string(),
    dueAt: z.string().optional(),
    noticeNumber: z.string().optional(),
    attention: z.object({ reason: z.string(), at: z.string() }).loose().optional(),
  })
  .loose();

/** Reads a list page by page (all of them with `all`), telling on stderr how to go on when there is more. */
async function readList(
  path: string,
  params: Record<string, string | number | undefined>,
  all: boolean | undefined,
): Promise<unknown[]> {
  const client = api();
  const items: unknown[] = [];
  let cursor = params.cursor === undefined ? undefined : String(params.cursor);
  do {
    const page = pageSchema.parse((await client.get(`${path}${query({ ...params, cursor })}`)).body);
    items.push(...page.items);
    cursor = all ? (page.cursor ?? undefined) : undefined;
    if (!all && page.cursor) process.stderr.write(`more cases: add --all, or --cursor ${page.cursor}\n`);
  } while (cursor);
  return items;
}

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
  .description('show one case (JSON)')
  .argument('<id>')
  .action(async (id: string) => print((await api().get(`cases/${encodeURIComponent(id)}`)).body));

program
  .command('history')
  .description("a case's history, every page (JSON); --verify checks the hash chain")
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
        .parse(
          (
            await client.get(
              `cases/${encodeURIComponent(id)}/history${query({ cursor, verify: options.verify ? 'true' : undefined })}`,
            )
          ).body,
        );
      events.push(...page.items);
      cursor = page.cursor ?? undefined;
      verification = page.verification ?? verification;
    } while (cursor);
    print(options.verify ? { events, verification } : events);
  });

program
  .command('verify')
  .description(
    'check every case against the signed digests: each digest’s signature and link, then each anchored history (needs --digests)',
  )
  .requiredOption('--digests', 'check the table against the signed digests of the chain heads')
  .action(async () => {
    const client = api();
    const page = z
      .object({
        ok: z.boolean(),
        digests: z.unknown(),
        digestProblems: z.array(z.unknown()),
        cases: z.object({ checked: z.number(), complete: z.boolean(), lastCaseId: z.string().optional() }),
        rewritten: z.array(z.unknown()),
      })
      .loose();
    let after: string | undefined;
    let checked = 0;
    const rewritten: unknown[] = [];
    let last: z.infer<typeof page>;
    // The server checks cases while its time allows; the rest is asked for after the last one checked.
    do {
      last = page.parse((await client.get(`digests/verification${query({ after })}`)).body);
      checked += last.cases.checked;
      rewritten.push(...last.rewritten);
      after = last.cases.lastCaseId ?? after;
    } while (!last.cases.complete && last.cases.lastCaseId);
    const ok = last.digestProblems.length === 0 && rewritten.length === 0;
    print({ ok, digests: last.digests, digestProblems: last.digestProblems, casesChecked: checked, rewritten });
    if (!ok) process.exitCode = 2;
  });

program
  .command('digest')
  .description('anchor the chain heads now: the next signed digest (officer); the daily one is written anyway')
  .action(async () => {
    print((await api().post('digests', {})).body);
  });

listOptions(program.command('list').description('list cases as a table (--json for scripts)'))
  .option('--limit <n>', 'page size', positiveInt)
  .option('--cursor <cursor>', 'continue from where the previous page stopped')
  .option('--all', 'follow the cursor through every page')
  .option('--json', 'print the cases as JSON')
  .action(async (options: ListOptions & { limit?: number; cursor?: string; all?: boolean; json?: boolean }) => {
    const items = await readList(
      'cases',
      { ...listParams(options), limit: options.limit, cursor: options.cursor },
      options.all,
    );
    if (options.json) return print(items);
    process.stdout.write(
      table(
        CASE_COLUMNS,
        items.map((i) => listedCaseSchema.parse(i) as ListedCase),
        '(no cases)',
      ),
    );
  });

program
  .command('attention')
  .description(
    'the cases flagged for a person: a step that failed for good, a workflow that stopped (GET /cases?attention=true)',
  )
  .option('--subdistrict <name>', 'only this sub-district (街道)')
  .option('--limit <n>', 'page size', positiveInt)
  .option('--all', 'follow the cursor through every page')
  .option('--json', 'print the cases as JSON')
  .action(async (options: { subdistrict?: string; limit?: number; all?: boolean; json?: boolean }) => {
    const items = await readList(
      'cases',
      { attention: 'true', subdistrict: options.subdistrict, limit: options.limit },
      options.all,
    );
    if (options.json) return print(items);
    process.stdout.write(
      table(
        ATTENTION_COLUMNS,
        items.map((i) => listedCaseSchema.parse(i) as ListedCase),
        '(no case needs attention)',
      ),
    );
  });

listOptions(
  program
    .command('export')
    .description('export a filtered list, or one case chronology with --case, as CSV (UTF-8 with BOM) or JSON'),
)
  .option('--case <id>', "export this case's chronology instead of a list")
  .option('--format <format>', 'csv or json', 'csv')
  .option('--out <file>', 'write to a file instead of stdout')
  .action(async (options: ListOptions & { case?: string; format: string; out?: string }) => {
    if (options.format !== 'csv' && options.format !== 'json')
      throw new InvalidArgumentError('--format must be csv or json');
    const client = api();
    const path = options.case ? `cases/${encodeURIComponent(options.case)}/history/export` : 'cases/export';
    const accept = options.format === 'csv' ? 'text/csv' : 'application/json';
    const response = await client.get(
      `${path}${query(options.case ? { format: options.format } : { ...listParams(options), format: options.format })}`,
      accept,
    );
    if (response.headers.get('x-export-delivery') === 'link') {
      // Too large for an answer: the API wrote it to the object store and answered a short-lived link.
      const exported = exportLinkSchema.parse(response.body);
      await downloadExport(exported, options.out);
      if (options.out) process.stderr.write(`written to ${options.out} (${exported.rows} rows)\n`);
      return;
    }
    // The bytes as the API sent them: the CSV's byte-order mark is what makes Excel and WPS read UTF-8.
    if (options.out) {
      writeFileSync(options.out, response.bytes);
      process.stderr.write(`written to ${options.out} (${response.headers.get('x-row-count') ?? '?'} rows)\n`);
    } else {
      process.stdout.write(response.bytes);
    }
  });

program
  .command('report')
  .description('the work-summary figures by sub-district and community')
  .option('--from <date>', 'reported on or after (YYYY-MM-DD)')
  .option('--to <date>', 'reported on or before (YYYY-MM-DD)')
  .option('--subdistrict <name>')
  .option('--community <name>')
  .option('--json', 'print JSON instead of a table')
  .action(async (options: { from?: string; to?: string; subdistrict?: string; community?: string; json?: boolean }) => {
    const body = (
      await api().get(
        `reports/summary${query({ from: options.from, to: options.to, subdistrict: options.subdistrict, community: options.community })}`,
      )
    ).body;
    if (options.json) return print(body);
    const report = z
      .object({ rows: z.array(z.record(z.string(), z.unknown())), total: z.record(z.string(), z.unknown()) })
      .loose()
      .parse(body);
    const rows = report.rows as unknown as ReportRow[];
    const total = { ...(report.total as unknown as ReportRow), subdistrict: '(total)', community: '' };
    process.stdout.write(table(REPORT_COLUMNS, rows.length ? [...rows, total] : [], '(no cases in this period)'));
  });

/** For each action command, the option that fills each field of the request body. */
const bodyFieldOptions = new WeakMap<Command, Map<string, string>>();

/** The command being run, to name its options in an error about the API field they fill. */
let running: Command | undefined;
program.hook('preAction', (_program, command) => {
  running = command;
});

/** The option of the running command that sets an API field: its own for a body field, `--<name>` for a query parameter. */
function optionFor(apiField: string, location: string | undefined): string | undefined {
  if (!running) return undefined;
  // An item of a list field (`evidenceIds[1]`) is set by the list's option.
  if (location === undefined || location === 'body')
    return bodyFieldOptions.get(running)?.get(apiField.replace(/\[\d+\]$/, ''));
  if (location === 'query') return running.options.find((o) => o.long === `--${apiField}`)?.long;
  return undefined;
}

/** One option of an action command and the API field it fills. */
interface ActionField {
  option: Option;
  field: string;
}

const field = (
  flags: string,
  description: string,
  apiField: string,
  setup: (o: Option) => Option = (o) => o,
): ActionField => ({
  option: setup(new Option(flags, description)),
  field: apiField,
});
const required = (o: Option) => o.makeOptionMandatory();

/** Evidence ids from a repeated option or a comma list, in the order given. */
const evidenceIdList = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  ...value
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean),
];

/**
 * The fields of an action's request body, from the route's own schema; for a body of several kinds (an
 * appeal filed or resolved), those of the kind the `fixed` fields select.
 */
function bodyFieldsOf(route: AnyRoute, fixed: Record<string, unknown>): Set<string> {
  const schema = route.body?.schema;
  const kinds = schema instanceof z.ZodUnion ? schema.options : [schema];
  const kind = kinds.find(
    (k): k is z.ZodObject =>
      k instanceof z.ZodObject &&
      Object.entries(fixed).every(([key, value]) => k.shape[key]?.safeParse(value).success === true),
  );
  return new Set(kind ? Object.keys(kind.shape) : []);
}

/** The options citing files of evidence, for the actions whose body takes them. */
function evidenceFields(bodyFields: Set<string>): ActionField[] {
  const fields: ActionField[] = [];
  if (bodyFields.has('evidenceIds'))
    fields.push(
      field(
        '--evidence <ids>',
        'files of this case the action cites (ids from rectify evidence list, uploaded at the stage of this action); repeat it or separate ids with commas',
        'evidenceIds',
        (o) => o.argParser(evidenceIdList),
      ),
    );
  if (bodyFields.has('receiptEvidenceId'))
    fields.push(
      field(
        '--receipt-evidence <id>',
        'the photo of the signed 送达回证: an evidence id uploaded at the service stage',
        'receiptEvidenceId',
      ),
    );
  return fields;
}

/**
 * An action on a case (`POST /cases/{id}/<action>`, the route given): reads the case, acts on the version
 * read (If-Match) and prints how the case moved. A refused field is named by its option and by its API field.
 */
function actionCommand(
  parent: Command,
  name: string,
  description: string,
  route: AnyRoute,
  ownFields: ActionField[],
  fixed: Record<string, unknown> = {},
): Command {
  const actionPath = route.path.replace(/^\/cases\/\{id\}\//, '');
  const fields = [...ownFields, ...evidenceFields(bodyFieldsOf(route, fixed))];
  const command = parent.command(name).description(description).argument('<id>', 'case id');
  for (const f of fields) command.addOption(f.option);
  command
    .option(
      '--if-match <version>',
      'act only if the case is still at this version (default: the version just read)',
      positiveInt,
    )
    .option('--json', 'print the case after the action as JSON');
  bodyFieldOptions.set(command, new Map(fields.map((f) => [f.field, f.option.long ?? f.option.flags])));
  command.action(async (id: string, options: Record<string, unknown> & { ifMatch?: number; json?: boolean }) => {
    const body: Record<string, unknown> = { ...fixed };
    for (const f of fields) {
      const value = options[f.option.attributeName()];
      if (value === undefined) continue;
      // A dotted field is nested in the body (`consent.signedOn`).
      const [outer, inner] = f.field.split('.') as [string, string | undefined];
      if (inner === undefined) body[outer] = value;
      else body[outer] = { ...(body[outer] as Record<string, unknown> | undefined), [inner]: value };
    }
    const outcome = await performAction(api(), id, { path: actionPath, body, ifMatch: options.ifMatch });
    if (options.json) return print(outcome.after);
    const { before, after } = outcome;
    const moved = !before
      ? `now ${after.status}`
      : before.status === after.status
        ? `${after.status} (unchanged)`
        : `${before.status} → ${after.status}`;
    print(`${after.id}: ${moved}, version ${after.version}`);
    const unserved = caseFacts.parse(after).unservedDocuments;
    if (unserved.length)
      print(`issued, not yet served: ${unserved.join(', ')} (its periods run from the service date)`);
  });
  return command;
}

const at = (apiField: string) =>
  field('--at <time>', "when it was done, ISO 8601 (default: the server's legal time now)", apiField);

actionCommand(
  program,
  'inspect',
  '复查: record an inspection (an officer; during persuasion, the community)',
  recordInspection,
  [
    field('--result <result>', 'what the inspection found', 'result', (o) => required(o.choices(INSPECTION_RESULTS))),
    field('--inspector <name>', 'who inspected', 'inspector', required),
    field('--area-removed <m2>', 'm² demolished (demolished or partially-demolished)', 'areaRemovedM2', (o) =>
      o.argParser(number),
    ),
    field('--notes <text>', 'notes', 'notes'),
    at('inspectedAt'),
  ],
);

actionCommand(program, 'extend', '延期: move the notice deadline to a later day (an officer)', grantExtension, [
  field('--until <date>', 'the new deadline, YYYY-MM-DD (Asia/Shanghai)', 'newDeadline', required),
  field('--reason <text>', 'why the deadline moves', 'reason', required),
  field('--approver <name>', 'who approved it', 'approver', required),
]);

actionCommand(
  program,
  'serve',
  '送达: record how and when the notice or the enforcement decision was served; its periods run from then (an officer)',
  recordService,
  [
    field('--document <document>', 'which document was served', 'document', (o) =>
      required(o.choices(SERVED_DOCUMENTS)),
    ),
    field(
      '--method <method>',
      'how it was served (announcement: counts as served 30 days after publication)',
      'method',
      (o) => required(o.choices(SERVICE_METHODS)),
    ),
    field('--on <date>', 'the day it was served (for an announcement: published), YYYY-MM-DD', 'servedOn', required),
    field('--receiver <name>', 'who signed for it (all methods but announcement)', 'receiver'),
    field('--receipt <reference>', 'the signed 送达回证 number', 'receiptReference'),
    field('--witnesses <text>', 'left-at-premises: the witnesses, or how it was photographed or filmed', 'witnesses'),
    field('--published-in <place>', 'announcement: where it was published', 'publishedIn'),
    field('--consent-signed <date>', "electronic: the day the party's written consent was signed", 'consent.signedOn'),
    field('--consent-ref <reference>', 'electronic: where the written consent is filed', 'consent.reference'),
    field('--notes <text>', 'notes', 'notes'),
  ],
);

actionCommand(
  program,
  'represent',
  "陈述申辩: record the party's statement and the decision on it (an officer)",
  recordRepresentation,
  [
    field('--received <date>', 'the day the statement was received, YYYY-MM-DD', 'receivedOn', required),
    field('--summary <text>', 'what the party said', 'summary', required),
    field('--outcome <outcome>', 'accepted ends the case; rejected lets enforcement go on', 'outcome', (o) =>
      required(o.choices(['accepted', 'rejected'])),
    ),
    field('--response <text>', 'the answer given to the party', 'response', required),
  ],
);

const appeal = program
  .command('appeal')
  .description('复议/诉讼: a filed appeal holds the case; its resolution resumes or ends it (an officer)');
actionCommand(
  appeal,
  'file',
  'record a filed appeal: the case goes on hold',
  recordAppeal,
  [
    field('--kind <kind>', 'reconsideration (复议) or litigation (诉讼)', 'kind', (o) =>
      required(o.choices(APPEAL_KINDS)),
    ),
    field('--filed <date>', 'the day it was filed, YYYY-MM-DD', 'filedOn', required),
    field('--authority <name>', 'the authority or court it was filed with', 'authority', required),
    field('--reference <text>', 'its reference number', 'reference', required),
  ],
  { action: 'filed' },
);
actionCommand(
  appeal,
  'resolve',
  'record the appeal decision: upheld resumes enforcement, revoked dismisses the case',
  recordAppeal,
  [
    field('--outcome <outcome>', 'upheld or revoked', 'outcome', (o) => required(o.choices(['upheld', 'revoked']))),
    field('--resolved <date>', 'the day it was decided, YYYY-MM-DD', 'resolvedOn', required),
    field('--reference <text>', 'its reference number', 'reference', required),
    field('--summary <text>', 'the decision in brief', 'summary'),
  ],
  { action: 'resolved' },
);

actionCommand(
  program,
  'dismiss',
  '撤销: dismiss a case from any open status, with a reason (an officer)',
  dismissCase,
  [
    field('--reason <reason>', 'why', 'reason', (o) => required(o.choices(DISMISSAL_REASONS))),
    field('--explanation <text>', 'the explanation recorded', 'explanation', required),
    field('--duplicate-of <id>', 'the case this one duplicates (with --reason duplicate)', 'duplicateOf'),
  ],
);

actionCommand(program, 'enforce', '强制拆除: record the forced demolition as done (an enforcer)', recordEnforcement, [
  field('--team-lead <name>', 'who led the team', 'teamLead', required),
  field('--area-removed <m2>', 'm² demolished', 'areaRemovedM2', (o) => required(o.argParser(number))),
  field('--notes <text>', 'notes', 'notes'),
  at('completedAt'),
]);

actionCommand(
  program,
  'resume',
  "restart a flagged or stopped case's workflow from its current status, once the cause is fixed (an officer)",
  resumeCase,
  [field('--reason <text>', 'what was fixed, recorded in the history', 'reason', required)],
);

const evidence = program
  .command('evidence')
  .description(
    '证据材料: the photos and papers of a case — list them, attach files, download one checked against its hash',
  );

evidence
  .command('list')
  .description(
    'the files of a case: stage, type, size, SHA-256, capture time and GPS, who attached them; each file read back and hashed again',
  )
  .argument('<caseId>')
  .option('--no-verify', 'do not read the files back to compare them with their recorded SHA-256')
  .option('--json', 'print the files as JSON')
  .action(async (caseId: string, options: { verify: boolean; json?: boolean }) => {
    const { rows, mismatched } = await listCaseEvidence(api(), caseId, { verify: options.verify });
    if (options.json) print(rows);
    else process.stdout.write(table(EVIDENCE_COLUMNS, rows, '(no files)'));
    for (const m of mismatched)
      process.stderr.write(
        `✗ ${m.evidenceId} (${m.fileName}): ${m.reason}; recorded SHA-256 ${m.recordedSha256}${m.storedSha256 ? `, stored ${m.storedSha256}` : ''}\n`,
      );
    // As `verify --digests`: 2 says a recorded file is no longer what its event vouches for.
    if (mismatched.length) process.exitCode = 2;
  });

const upload = evidence
  .command('upload')
  .description(
    'attach files to a case: each goes straight to the object store through a presigned PUT, then the API checks and records it',
  )
  .argument('<caseId>')
  .argument('<file...>', 'JPEG, PNG, HEIC photos (up to 20 MB) or PDF (up to 50 MB), as the API decides')
  .requiredOption(
    '--stage <stage>',
    `when in the procedure: ${EVIDENCE_STAGES.join(', ')} (which role attaches at which: docs/evidence.md)`,
  )
  .option('--json', 'print the recorded files as JSON')
  .action(async (caseId: string, files: string[], options: { stage: string; json?: boolean }) => {
    const client = api();
    const recorded: (EvidenceRecord & { file: string })[] = [];
    let refusals = 0;
    for (const file of files) {
      try {
        const record = await uploadEvidenceFile(client, caseId, file, options.stage);
        recorded.push({ ...record, file });
        if (!options.json) print(`${record.evidenceId}  ${record.sha256}  ${file}`);
      } catch (error) {
        // A refused file does not stop the others; anything else (no API, no token) does.
        if (!(error instanceof UploadRefused)) throw error;
        refusals += 1;
        const [first, ...rest] = [error.message, ...explain(error.refusal)];
        process.stderr.write(`error: ${first}\n${rest.map((line) => `${line}\n`).join('')}`);
      }
    }
    if (options.json) print(recorded);
    if (refusals) process.exitCode = 1;
  });
bodyFieldOptions.set(upload, new Map([['stage', '--stage']]));

evidence
  .command('download')
  .description(
    'download a file through a fresh 60-second link; it is written only if its SHA-256 is the one the case records',
  )
  .argument('<caseId>')
  .argument('<evidenceId>')
  .option('--out <path>', 'where to write it (default: its recorded file name, in the current folder)')
  .action(async (caseId: string, evidenceId: string, options: { out?: string }) => {
    const { file, bytes } = await downloadEvidenceFile(api(), caseId, evidenceId);
    const out = options.out ?? path.basename(file.fileName);
    writeFileSync(out, bytes);
    process.stderr.write(`written to ${out} (${bytes.byteLength} bytes, SHA-256 ${file.sha256} as recorded)\n`);
  });

program
  .command('import')
  .description(
    'import a survey (违法建设普查) CSV: good rows become cases, bad rows are reported; re-importing adds nothing',
  )
  .argument('<survey.csv>')
  .option('--concurrency <n>', 'requests (of up to 25 rows each) in flight at once', positiveInt, 4)
  .option('--errors <file>', 'also write the per-row error report to this CSV file')
  .option('--dry-run', 'check the file and report bad rows without submitting')
  .action(async (file: string, options: { concurrency: number; errors?: string; dryRun?: boolean }) => {
    const parsed = await readSurvey(readFileSync(file), new Date());
    if (parsed.encoding === 'gbk') process.stderr.write('note: the file was read as GBK\n');
    let failed = parsed.errors;
    let created = 0;
    let already = 0;
    if (!options.dryRun && parsed.rows.length) {
      const client = api();
      const bar = new SingleBar(
        { format: 'importing [{bar}] {value}/{total} rows', stream: process.stderr },
        Presets.shades_classic,
      );
      bar.start(parsed.rows.length, 0);
      try {
        const outcome = await importRows(client, parsed.rows, {
          concurrency: options.concurrency,
          onProgress: (done) => bar.update(done),
        });
        created = outcome.created.length;
        already = outcome.alreadyImported.length;
        failed = [...failed, ...outcome.failed].sort((a, b) => a.row - b.row);
      } finally {
        bar.stop();
      }
    }
    for (const error of failed) process.stderr.write(`row ${error.row}: ${error.field}: ${error.reason}\n`);
    if (options.errors) {
      const escape = (v: string | number) => `"${String(v).replaceAll('"', '""')}"`;
      writeFileSync(
        options.errors,
        `\uFEFFrow,field,reason\n${failed.map((e) => [e.row, e.field, e.reason].map(escape).join(',')).join('\n')}\n`,
      );
    }
    print({
      file,
      valid: parsed.rows.length,
      created,
      alreadyImported: already,
      badRows: new Set(failed.map((e) => e.row)).size,
      dryRun: Boolean(options.dryRun),
    });
    if (failed.length) process.exitCode = 2;
  });

/** An error as lines for a person: what was tried, what answered, and what to change. */
function explain(error: unknown): string[] {
  if (error instanceof ApiUnreachable) {
    const { url, source } = apiAddress();
    return [
      error.message,
      `  the API address ${url} came from ${source}; set it with --api <url> or RECTIFY_API_URL (npm start prints it)`,
    ];
  }
  if (error instanceof ApiProblem) return describeProblem(error, optionFor);
  if (error instanceof ActionConflict) return [error.message];
  if (error instanceof ImportRefusedError)
    return [
      'the import was refused; nothing was submitted',
      ...(error.refusal instanceof ApiProblem ? describeProblem(error.refusal) : [error.refusal.message]),
    ];
  return [error instanceof Error ? error.message : String(error)];
}

program.parseAsync().catch((error: unknown) => {
  const [first, ...rest] = explain(error);
  process.stderr.write(`error: ${first}\n${rest.map((line) => `${line}\n`).join('')}`);
  process.exitCode = 1;
});
