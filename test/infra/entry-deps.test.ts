import path from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { CaseRecord } from '#domain/schemas';
import { addDays, shanghaiDateOf } from '#domain/shanghai-time';
import { PROJECT_ROOT } from '#infra/bundling';
import { MANIFEST } from '#infra/manifest';
import { chinaCalendar } from '#domain/china-calendar';
import { CaseStates } from '../api/support/case-states';
import { gatewayAuth } from '../support/gateway';
import { freshTable } from '../support/table';
import { CLOSED_CASE_FILES_TAG, caseFilesPrefix } from '#domain/case-files';
import { freshBucket } from '../support/objects';

type Entry = { handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> };

let table: Awaited<ReturnType<typeof freshTable>>;
let bucket: Awaited<ReturnType<typeof freshBucket>>;
let states: CaseStates;

beforeAll(async () => {
  table = await freshTable('entry-deps');
  // The object store is running (the run's local S3): the functions that close a case tag its files there.
  bucket = await freshBucket('entry-deps');
  states = new CaseStates(table.store, () => new Date());
  process.env.STATE_MACHINE_ARN = 'arn:aws:states:ap-east-1:123456789012:stateMachine:rectify-test-case-lifecycle';
  process.env.MAIL_RECIPIENTS_JSON = JSON.stringify({
    from: 'rectify@example.gov.cn',
    subdistricts: {},
    fallback: ['office@example.gov.cn'],
  });
  // Neither is running: an action that gets as far as the workflow answers 503, never 500.
  process.env.AWS_ENDPOINT_URL_SFN = 'http://127.0.0.1:9';
  process.env.AWS_ENDPOINT_URL_SES = 'http://127.0.0.1:9';
});
afterAll(async () => {
  await table.drop();
  bucket.close();
});

function post(resource: string, id: string, body: unknown): APIGatewayProxyEvent {
  const pathValue = resource.replace('{id}', id);
  return {
    resource,
    path: pathValue,
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: officerAuth.authorization },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { id },
    stageVariables: null,
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      requestId: 'req-entry-deps',
      path: `/v1${pathValue}`,
      authorizer: { claims: officerAuth.claims },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

const officerAuth = gatewayAuth('cognito-officer-1', ['officer', 'enforcer', 'city']);
const today = () => shanghaiDateOf(new Date());
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** Each officer or enforcer action, from a status that allows it, with a valid body for today. */
const ACTIONS: {
  id: string;
  resource: string;
  role?: string;
  prepare: () => Promise<CaseRecord>;
  body: () => Record<string, unknown>;
}[] = [
  {
    id: 'RecordInspection',
    resource: '/cases/{id}/inspections',
    prepare: () => states.awaitingInspection('token-inspection'),
    body: () => ({ result: 'demolished', inspectedAt: minutesAgo(0), inspector: '王科员', areaRemovedM2: 24 }),
  },
  {
    id: 'GrantExtension',
    resource: '/cases/{id}/extensions',
    prepare: () => states.noticeIssued({ deadlineDate: addDays(today(), 7) }),
    body: () => ({
      newDeadline: chinaCalendar().addWorkingDays(addDays(today(), 16), 1).date,
      reason: '当事人申请延期',
      approver: '陈主任',
    }),
  },
  {
    id: 'RecordService',
    resource: '/cases/{id}/service',
    prepare: () => states.noticeIssued(),
    body: () => ({ document: 'notice', method: 'direct', servedOn: today(), receiver: '张某某' }),
  },
  {
    id: 'RecordRepresentation',
    resource: '/cases/{id}/representations',
    prepare: () => states.escalated(),
    body: () => ({ receivedOn: today(), summary: '称为临时堆放', outcome: 'rejected', response: '不予采纳' }),
  },
  {
    id: 'RecordAppeal',
    resource: '/cases/{id}/appeals',
    prepare: () => states.enforcementDecided(),
    body: () => ({
      action: 'filed',
      kind: 'reconsideration',
      filedOn: today(),
      authority: '沙坪坝区人民政府',
      reference: '沙府复〔2026〕12号',
    }),
  },
  {
    id: 'RecordEnforcement',
    resource: '/cases/{id}/enforcement',
    prepare: () => states.enforcementScheduled('token-enforcement'),
    body: () => ({ completedAt: minutesAgo(0), teamLead: '赵队长', areaRemovedM2: 24 }),
  },
  {
    id: 'DismissCase',
    resource: '/cases/{id}/dismissal',
    prepare: () => states.reported(),
    body: () => ({ reason: 'not-a-violation', explanation: '经核查已取得规划许可' }),
  },
];

/**
 * A function is given only what its route declares (no policy and calendar where it computes no
 * deadline). Each action's Lambda entry, with exactly the ports it builds, must get through its whole
 * decision and store the case: what it answers is the case (200) or, with the workflow engine
 * unreachable, 503 — never 500.
 */
describe('each action’s Lambda entry with only the dependencies it builds', () => {
  it.each(ACTIONS.map((action) => [action.id, action] as const))(
    '%s decides and stores without anything it was not given',
    async (id, action) => {
      const spec = MANIFEST.functions.find((s) => s.id === id);
      if (!spec) throw new Error(`no function ${id} in the manifest`);
      const { handler } = (await import(path.join(PROJECT_ROOT, spec.entry))) as Entry;
      const record = await action.prepare();
      const answer = await handler(
        post(action.resource, record.id, { ...action.body(), expectedVersion: record.version }),
      );
      const body = JSON.parse(answer.body) as { part?: string; detail?: string };
      expect({ status: answer.statusCode, part: body.part }).toEqual(
        answer.statusCode === 200 ? { status: 200, part: undefined } : { status: 503, part: 'workflow-engine' },
      );
      const stored = await table.store.getCase(record.id);
      expect(stored?.version).toBeGreaterThan(record.version);
    },
  );
});

/**
 * A task's Lambda entry builds only what its declaration names. Closing a self-demolished case tells the
 * office, which was sent its notice, that the structure is gone: the CloseCase entry must be able to send
 * that email, not only the local engine that gives every task everything.
 */
describe('the CloseCase task’s Lambda entry', () => {
  it('closes a self-demolished case that had a notice, asking for its case-closed email', async () => {
    const { handler } = (await import(path.join(PROJECT_ROOT, 'functions/tasks/close-case.ts'))) as {
      handler: (event: unknown) => Promise<unknown>;
    };
    const record = await states.selfDemolished();
    expect(record.notice).toBeDefined();
    const photo = `${caseFilesPrefix(record.id)}evidence/E-after`;
    await bucket.objects.putImmutable(photo, Buffer.from('a photo'), { contentType: 'image/jpeg' });
    await expect(handler({ execution: { caseId: record.id, phase: 'intake', round: 1 } })).resolves.toEqual({
      closed: true,
    });
    expect((await table.store.getCase(record.id))?.status).toBe('CLOSED');
    const emails = await table.store.emails(record.id);
    expect(emails.map((email) => email.kind)).toContain('case-closed');
    // The entry built its object store from OBJECT_BUCKET and tagged the case's files.
    expect(await bucket.objects.tags(photo)).toEqual({ [CLOSED_CASE_FILES_TAG.key]: CLOSED_CASE_FILES_TAG.value });
  });
});
