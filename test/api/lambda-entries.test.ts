import { existsSync } from 'node:fs';
import path from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ROUTES } from '#api/routes/index';
import { apiDepsFromEnv } from '#api/lambda-entry';
import { deadlineRulesFromEnv } from '#shared/deadline-rules';
import { workflowEngineFromEnv } from '#workflow/aws-engine';
import { freshTable } from '../support/table';
import { gatewayAuth } from '../support/gateway';
import { seedSubmission } from '../fixtures/submissions';
import { CaseStates } from './support/case-states';

type Entry = { handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> };

const root = path.resolve(__dirname, '../..');
let table: Awaited<ReturnType<typeof freshTable>>;

beforeAll(async () => {
  table = await freshTable('lambda');
  process.env.STATE_MACHINE_ARN = 'arn:aws:states:ap-east-1:123456789012:stateMachine:rectify-test-case-lifecycle';
  // Step Functions is not running: write routes must answer 503, not hang or fail with 500.
  process.env.AWS_ENDPOINT_URL_SFN = 'http://127.0.0.1:9';
});
afterAll(async () => {
  await table.drop();
});

/** An API Gateway REST proxy event as the Cognito authorizer delivers it: claims as strings. */
function gatewayEvent(
  method: string,
  resource: string,
  options: {
    pathParameters?: Record<string, string>;
    groups?: string;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
): APIGatewayProxyEvent {
  const pathParameters = options.pathParameters ?? null;
  const auth =
    options.groups === undefined ? undefined : gatewayAuth('cognito-user-1', [...options.groups.split(','), 'city']);
  const pathValue = pathParameters ? resource.replace('{id}', pathParameters.id ?? '') : resource;
  return {
    resource,
    path: pathValue,
    httpMethod: method,
    headers: {
      'Content-Type': 'application/json',
      ...(auth ? { Authorization: auth.authorization } : {}),
      ...options.headers,
    },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters,
    stageVariables: null,
    body: options.body === undefined ? null : JSON.stringify(options.body),
    isBase64Encoded: false,
    requestContext: {
      requestId: 'req-1',
      path: `/prod${pathValue}`,
      stage: 'prod',
      authorizer: auth ? { claims: auth.claims } : undefined,
    } as APIGatewayProxyEvent['requestContext'],
  };
}

async function entry(name: string): Promise<Entry> {
  return (await import(path.join(root, 'functions/api/handlers', `${name}.ts`))) as Entry;
}

describe('Lambda entries', () => {
  it('exist for every route of the route table', () => {
    for (const route of ROUTES)
      expect(existsSync(path.join(root, 'functions/api/handlers', `${route.entry}.ts`))).toBe(true);
  });

  it('read the roles API Gateway puts in requestContext.authorizer.claims', async () => {
    const record = await new CaseStates(table.store, () => new Date()).reported();
    const { handler } = await entry('get-case');
    const asAuditor = await handler(
      gatewayEvent('GET', '/cases/{id}', { pathParameters: { id: record.id }, groups: 'auditor' }),
    );
    expect(asAuditor.statusCode).toBe(200);
    expect(JSON.parse(asAuditor.body)).toMatchObject({ id: record.id, status: 'REPORTED' });
    const asStranger = await handler(
      gatewayEvent('GET', '/cases/{id}', { pathParameters: { id: record.id }, groups: 'reporter' }),
    );
    expect(asStranger.statusCode).toBe(404);
    const noClaims = await handler(gatewayEvent('GET', '/cases/{id}', { pathParameters: { id: record.id } }));
    expect(noClaims.statusCode).toBe(401);
  });

  it('answer 503 with Retry-After when Step Functions cannot be reached, naming the staged path as the problem instance', async () => {
    const { handler } = await entry('create-case');
    const answer = await handler(
      gatewayEvent('POST', '/cases', {
        groups: 'officer,auditor',
        body: seedSubmission(),
        headers: { 'Idempotency-Key': 'lambda-entry-key-1' },
      }),
    );
    // An officer who is also an auditor acts as an auditor: auditors never write.
    expect(answer.statusCode).toBe(403);
    const officer = await handler(
      gatewayEvent('POST', '/cases', {
        groups: 'officer',
        body: seedSubmission(),
        headers: { 'Idempotency-Key': 'lambda-entry-key-1' },
      }),
    );
    expect(officer.statusCode).toBe(503);
    expect(officer.headers?.['retry-after']).toBeDefined();
    expect(JSON.parse(officer.body)).toMatchObject({ part: 'workflow-engine', instance: '/prod/cases' });
  });

  it('serve the OpenAPI document without configuration', async () => {
    const { handler } = await entry('get-openapi');
    const answer = await handler(gatewayEvent('GET', '/openapi.json'));
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body).openapi).toBe('3.1.0');
  });

  it('fail the cold start naming a missing variable', () => {
    expect(() => apiDepsFromEnv({ engine: workflowEngineFromEnv }, { TABLE_NAME: 'rectify' })).toThrow(
      /STATE_MACHINE_ARN/,
    );
    expect(() => apiDepsFromEnv({}, {})).toThrow(/TABLE_NAME/);
    expect(() =>
      apiDepsFromEnv(
        { deadlines: deadlineRulesFromEnv },
        { TABLE_NAME: 'rectify', POLICY_JSON: '{"extensions":{"maxCount":99}}' },
      ),
    ).toThrow(/POLICY_JSON/);
  });
});
