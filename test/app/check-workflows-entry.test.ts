import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod';
import { INTAKE_GRACE_MS } from '#app/workflow-check';
import { CaseStates } from '../api/support/case-states';
import { freshTable } from '../support/table';

const STATE_MACHINE_ARN = 'arn:aws:states:ap-east-1:123456789012:stateMachine:rectify-test-case-lifecycle';
const startExecutionSchema = z.object({ stateMachineArn: z.string(), name: z.string(), input: z.string() });

const describeExecutionSchema = z.object({ executionArn: z.string() });
const AWS_JSON = { 'content-type': 'application/x-amz-json-1.0' };

/** An HTTP endpoint that answers StartExecution and DescribeExecution as Step Functions does, and records each start. */
async function recordingStepFunctions() {
  const calls: z.infer<typeof startExecutionSchema>[] = [];
  const arnOf = (call: z.infer<typeof startExecutionSchema>) =>
    `${call.stateMachineArn.replace(':stateMachine:', ':execution:')}:${call.name}`;
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const target = request.headers['x-amz-target'];
      if (target === 'AWSStepFunctions.StartExecution') {
        const call = startExecutionSchema.parse(JSON.parse(body));
        calls.push(call);
        response
          .writeHead(200, AWS_JSON)
          .end(JSON.stringify({ executionArn: arnOf(call), startDate: Date.now() / 1000 }));
      } else if (target === 'AWSStepFunctions.DescribeExecution') {
        const { executionArn } = describeExecutionSchema.parse(JSON.parse(body));
        if (calls.some((c) => arnOf(c) === executionArn))
          response
            .writeHead(200, AWS_JSON)
            .end(JSON.stringify({ executionArn, status: 'RUNNING', startDate: Date.now() / 1000 }));
        else
          response.writeHead(400, AWS_JSON).end(
            JSON.stringify({
              __type: 'ExecutionDoesNotExist',
              message: `Execution Does Not Exist: '${executionArn}'`,
            }),
          );
      } else {
        response.writeHead(400, AWS_JSON).end(JSON.stringify({ __type: 'UnknownOperationException' }));
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    calls,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

let table: Awaited<ReturnType<typeof freshTable>>;
let stepFunctions: Awaited<ReturnType<typeof recordingStepFunctions>>;
const environmentBefore = {
  STATE_MACHINE_ARN: process.env.STATE_MACHINE_ARN,
  AWS_ENDPOINT_URL_SFN: process.env.AWS_ENDPOINT_URL_SFN,
  POLICY_JSON: process.env.POLICY_JSON,
  CALENDAR_JSON: process.env.CALENDAR_JSON,
};

beforeAll(async () => {
  table = await freshTable('intake-check-entry');
  stepFunctions = await recordingStepFunctions();
  process.env.STATE_MACHINE_ARN = STATE_MACHINE_ARN;
  process.env.AWS_ENDPOINT_URL_SFN = stepFunctions.url;
  process.env.POLICY_JSON = '{}';
  process.env.CALENDAR_JSON = '[]';
});

afterAll(async () => {
  for (const [name, value] of Object.entries(environmentBefore)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await stepFunctions?.close();
  await table?.drop();
});

describe('the scheduled workflow check (Lambda entry)', () => {
  it('starts the intake execution, by its deterministic name, of a case stored without one', async () => {
    const lost = await new CaseStates(table.store, () => new Date(Date.now() - INTAKE_GRACE_MS - 60_000)).reported();
    const justReported = await new CaseStates(table.store, () => new Date()).reported();
    const { handler } = (await import('#checks/check-workflows')) as {
      handler: (event: unknown) => Promise<{ started: string[] }>;
    };

    const report = await handler({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} });

    expect(report.started).toEqual([lost.id]);
    expect(stepFunctions.calls).toEqual([
      {
        stateMachineArn: STATE_MACHINE_ARN,
        name: `${lost.id}--intake--1`,
        input: JSON.stringify({ caseId: lost.id, phase: 'intake', round: 1 }),
      },
    ]);
    expect(stepFunctions.calls.map((c) => c.name)).not.toContain(`${justReported.id}--intake--1`);
    // Run again, it finds the execution it started and starts nothing.
    expect((await handler({})).started).toEqual([]);
    expect(stepFunctions.calls).toHaveLength(1);
  });
});
