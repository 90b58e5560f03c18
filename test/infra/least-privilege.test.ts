import type { CfnResource } from 'aws-cdk-lib';
import { MANIFEST } from '#infra/manifest';
import type { Json } from './support';
import { logicalId, permissionsOf, synthesize } from './support';

/**
 * What each function of the real stack may do and read, written out by hand. The stack derives roles and
 * environments from the route and task declarations; this table is the independent statement of what
 * those declarations must come to, checked on the synthesized template. A change to a function's
 * privileges (or a new function) is a change to this table, seen in review.
 *
 * table: `r` Get/BatchGet/Query; `rw` plus Put/Update/ConditionCheck; `rwd` plus DeleteItem in the
 * attention and pending-mail partitions only. states: the Step Functions actions. mail: ses:SendRawEmail.
 * objects: the evidence bucket (see Privileges).
 * cursorKey: secretsmanager:GetSecretValue on the stack's cursor-key secret, and nothing else of Secrets
 * Manager. env: the variables beyond the Powertools settings.
 */
interface Privileges {
  table: 'none' | 'r' | 'rw' | 'rwd';
  states?: string[];
  mail?: true;
  /**
   * objects: `r` GetObject; `rw` plus Put/Delete (a delete marker)/PutObjectRetention/AbortMultipartUpload;
   * `archive` PutObjectTagging alone (a closed case's files); each with ListBucket.
   */
  objects?: 'r' | 'rw' | 'archive';
  /**
   * digests: `sign` Get/PutObject on the digest bucket's digests/ and kms:Sign on the digest key; `verify`
   * GetObject and kms:GetPublicKey; both with ListBucket.
   */
  digests?: 'sign' | 'verify';
  cursorKey?: true;
  env: string[];
}

const TABLE = 'TABLE_NAME';
const MACHINE = 'STATE_MACHINE_ARN';
const DEADLINES = ['CALENDAR_JSON', 'POLICY_JSON'];
const MAIL = ['MAIL_CONFIGURATION_SET', 'MAIL_RECIPIENTS_JSON'];
const OBJECTS = 'OBJECT_BUCKET';
const DIGESTS = ['DIGEST_BUCKET', 'DIGEST_KEY_ARN'];
const reader: Privileges = { table: 'r', env: [TABLE] };
/** The paging routes: their cursors are sealed with the deployment's secret (its ARN, never its value). */
const pager: Privileges = { table: 'r', cursorKey: true, env: [TABLE, 'CURSOR_SECRET_ARN'] };
/** Case links in every sender's emails: the configured console address, else the distribution's. */
const LINKS = 'CONSOLE_URL';
const mailingTask: Privileges = { table: 'rwd', mail: true, env: [TABLE, ...DEADLINES, ...MAIL, LINKS] };
const answering = ['DescribeExecution', 'SendTaskSuccess', 'StartExecution'];
/** A task that issues documents: it stores them, and its emails attach them. */
const documentTask: Privileges = {
  ...mailingTask,
  objects: 'rw',
  env: [...mailingTask.env, OBJECTS, 'ISSUING_OFFICES_JSON'],
};

const EXPECTED: Record<string, Privileges> = {
  CreateCase: { table: 'rw', states: ['DescribeExecution', 'StartExecution'], env: [TABLE, MACHINE] },
  CreateCaseBatch: { table: 'rw', states: ['DescribeExecution', 'StartExecution'], env: [TABLE, MACHINE] },
  ListCases: pager,
  GetCase: reader,
  GetCaseHistory: { ...pager, objects: 'r', env: [...pager.env, OBJECTS] },
  GetCaseEmails: reader,
  ExportCases: { ...pager, objects: 'rw', env: [...pager.env, OBJECTS] },
  ExportCaseHistory: reader,
  GetSummaryReport: reader,
  GetHealth: reader,
  GetOpenApi: { table: 'none', env: [] },
  RecordInspection: { table: 'rwd', states: answering, env: [TABLE, MACHINE] },
  GrantExtension: { table: 'rwd', states: answering, mail: true, env: [TABLE, MACHINE, ...DEADLINES, ...MAIL, LINKS] },
  RecordService: {
    table: 'rwd',
    states: ['DescribeExecution', 'SendTaskSuccess', 'StartExecution', 'StopExecution'],
    env: [TABLE, MACHINE, ...DEADLINES],
  },
  RecordRepresentation: {
    table: 'rwd',
    states: ['StopExecution'],
    mail: true,
    objects: 'archive',
    env: [TABLE, MACHINE, ...MAIL, LINKS, OBJECTS],
  },
  RecordAppeal: {
    table: 'rwd',
    states: ['StartExecution', 'StopExecution'],
    mail: true,
    objects: 'archive',
    env: [TABLE, MACHINE, ...MAIL, LINKS, OBJECTS],
  },
  RecordEnforcement: { table: 'rwd', states: answering, mail: true, env: [TABLE, MACHINE, ...MAIL, LINKS] },
  DismissCase: {
    table: 'rwd',
    states: ['StopExecution'],
    mail: true,
    objects: 'archive',
    env: [TABLE, MACHINE, ...MAIL, LINKS, OBJECTS],
  },
  ResumeCase: {
    table: 'rwd',
    states: ['DescribeExecution', 'StartExecution'],
    env: [TABLE, MACHINE, ...DEADLINES],
  },
  IssueNotice: documentTask,
  SendReminder: mailingTask,
  CheckDeadline: { table: 'rw', env: [TABLE, ...DEADLINES] },
  OpenCallback: { table: 'rw', states: ['SendTaskSuccess'], env: [TABLE, MACHINE, ...DEADLINES] },
  RecordOverdue: mailingTask,
  Escalate: documentTask,
  DecideEnforcement: { ...documentTask, states: ['StartExecution'], env: [...documentTask.env, MACHINE] },
  CheckWindows: { table: 'rw', env: [TABLE, ...DEADLINES] },
  ScheduleEnforcement: mailingTask,
  CloseCase: { table: 'rwd', mail: true, objects: 'archive', env: [TABLE, ...MAIL, LINKS, OBJECTS] },
  FindResumePoint: { table: 'r', env: [TABLE] },
  RecordFailure: { table: 'rwd', mail: true, env: [TABLE, ...MAIL, LINKS] },
  DeliverPendingMail: { table: 'rwd', mail: true, objects: 'r', env: [TABLE, ...MAIL, LINKS, OBJECTS] },
  CheckWorkflows: {
    table: 'rw',
    states: ['DescribeExecution', 'StartExecution'],
    env: [TABLE, MACHINE, ...DEADLINES],
  },
  RecordMailEvents: { table: 'rw', env: [TABLE] },
  DailyDigest: { table: 'r', digests: 'sign', env: [TABLE, ...DIGESTS] },
  WriteDigest: { table: 'r', digests: 'sign', env: [TABLE, ...DIGESTS] },
  VerifyDigests: { table: 'r', digests: 'verify', env: [TABLE, ...DIGESTS] },
  GetDigestPublicKey: { table: 'r', digests: 'verify', env: [TABLE, ...DIGESTS] },
  RequestEvidenceUpload: { table: 'r', objects: 'rw', env: [TABLE, OBJECTS] },
  ConfirmEvidence: { table: 'rw', objects: 'rw', env: [TABLE, OBJECTS] },
  ListEvidence: reader,
  DownloadEvidence: { table: 'r', objects: 'r', env: [TABLE, OBJECTS] },
  ListDocuments: reader,
  DownloadDocument: { table: 'r', objects: 'r', env: [TABLE, OBJECTS] },
};

const TABLE_LEVELS: Record<string, Privileges['table']> = {
  '': 'none',
  'BatchGetItem GetItem Query': 'r',
  'BatchGetItem ConditionCheckItem GetItem PutItem Query UpdateItem': 'rw',
  'BatchGetItem ConditionCheckItem DeleteItem GetItem PutItem Query UpdateItem': 'rwd',
};
const OBJECT_LEVELS: Record<string, Privileges['objects']> = {
  'GetObject ListBucket': 'r',
  'AbortMultipartUpload DeleteObject GetObject ListBucket PutObject PutObjectRetention': 'rw',
  'ListBucket PutObjectTagging': 'archive',
};
const ALWAYS_SET = new Set(['POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_SERVICE_NAME']);

describe('each function of the Rectify stack, as synthesized', () => {
  const { stack, template } = synthesize(MANIFEST);
  const resources = template.toJSON().Resources as Record<string, { Properties: Record<string, Json> }>;
  const cursorSecret = JSON.stringify({ Ref: logicalId(stack.cursorKey.secret.node.defaultChild as CfnResource) });
  const digestBucket = logicalId(stack.digests.bucket.node.defaultChild as CfnResource);
  const digestKey = JSON.stringify({
    'Fn::GetAtt': [logicalId(stack.digests.key.node.defaultChild as CfnResource), 'Arn'],
  });
  const DIGEST_LEVELS: Record<string, Privileges['digests']> = {
    's3:GetObject s3:ListBucket s3:PutObject kms:Sign': 'sign',
    's3:GetObject s3:ListBucket kms:GetPublicKey': 'verify',
  };

  /** The function's privileges as its role and environment in the template grant them. */
  function granted(id: string): Privileges {
    const handler = stack.functions.get(id);
    if (!handler) throw new Error(`no function ${id}`);
    const all = permissionsOf(template, logicalId(handler.role.node.defaultChild as CfnResource));
    const onDigests = (p: (typeof all)[number]) => p.resource.includes(digestBucket) || p.resource === digestKey;
    const permissions = all.filter((p) => !onDigests(p));
    const digestActions = [...new Set(all.filter(onDigests).map((p) => p.action))]
      .sort((a, b) =>
        a.startsWith('kms:') === b.startsWith('kms:') ? a.localeCompare(b) : a.startsWith('kms:') ? 1 : -1,
      )
      .join(' ');
    const actionsOf = (service: string) =>
      [
        ...new Set(
          permissions.filter((p) => p.action.startsWith(`${service}:`)).map((p) => p.action.slice(service.length + 1)),
        ),
      ].sort();
    const deletes = permissions.filter((p) => p.action === 'dynamodb:DeleteItem');
    // Deleting is only ever granted in the attention and pending-mail partitions.
    for (const p of deletes)
      expect({ id, condition: p.condition }).toEqual({
        id,
        condition: expect.stringContaining('"ATTENTION","OUTBOX#PENDING"'),
      });
    const states = actionsOf('states');
    const secrets = permissions.filter((p) => p.action.startsWith('secretsmanager:'));
    const onCursorKey = (p: (typeof secrets)[number]) =>
      p.action === 'secretsmanager:GetSecretValue' && p.resource === cursorSecret;
    const variables = (
      resources[logicalId(handler.function.node.defaultChild as CfnResource)]?.Properties.Environment as {
        Variables: Record<string, Json>;
      }
    ).Variables;
    return {
      table:
        TABLE_LEVELS[actionsOf('dynamodb').join(' ')] ?? (`unexpected: ${actionsOf('dynamodb').join(' ')}` as never),
      ...(states.length ? { states } : {}),
      ...(actionsOf('s3').length
        ? { objects: OBJECT_LEVELS[actionsOf('s3').join(' ')] ?? (`unexpected: ${actionsOf('s3').join(' ')}` as never) }
        : {}),
      ...(actionsOf('ses').length
        ? { mail: actionsOf('ses').join() === 'SendRawEmail' ? true : (actionsOf('ses').join() as never) }
        : {}),
      ...(digestActions ? { digests: DIGEST_LEVELS[digestActions] ?? (`unexpected: ${digestActions}` as never) } : {}),
      ...(secrets.length ? { cursorKey: secrets.every(onCursorKey) ? true : (JSON.stringify(secrets) as never) } : {}),
      env: Object.keys(variables)
        .filter((name) => !ALWAYS_SET.has(name))
        .sort(),
    };
  }

  it('covers every function the stack deploys, and only those', () => {
    expect([...stack.functions.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))(
    '%s may do exactly what it needs and reads only its own configuration',
    (id, expected) => {
      expect(granted(id)).toEqual({
        ...expected,
        env: [...expected.env].sort(),
        ...(expected.states ? { states: [...expected.states].sort() } : {}),
      });
    },
  );
});
