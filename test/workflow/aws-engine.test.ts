import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
  SFNClient,
  SFNServiceException,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsWorkflowEngine, executionArn } from '#workflow/aws-engine';

// Step Functions cannot run offline; its answers are mocked (the local engine covers the behaviour).
const sfn = mockClient(SFNClient);
const STATE_MACHINE = 'arn:aws:states:ap-east-1:123456789012:stateMachine:rectify-case-lifecycle';
const metadata = { $metadata: {} };

beforeEach(() => sfn.reset());
afterAll(() => sfn.restore());

const engine = () => new AwsWorkflowEngine(new SFNClient({ region: 'ap-east-1' }), STATE_MACHINE);

describe('the Step Functions engine adapter', () => {
  it('starts a phase by its deterministic name with the phase as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'x', startDate: new Date() });
    expect(await engine().startExecution({ caseId: 'C-20261129-7K3M2Q', phase: 'intake', round: 1 })).toEqual({
      name: 'C-20261129-7K3M2Q--intake--1',
      started: true,
    });
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: STATE_MACHINE,
      name: 'C-20261129-7K3M2Q--intake--1',
      input: JSON.stringify({ caseId: 'C-20261129-7K3M2Q', phase: 'intake', round: 1 }),
    });
  });

  it('treats an existing execution of that name as started before', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', ...metadata }));
    expect(await engine().startExecution({ caseId: 'C-20261129-7K3M2Q', phase: 'enforcement', round: 1 })).toEqual({
      name: 'C-20261129-7K3M2Q--enforcement--1',
      started: false,
    });
  });

  it('looks an execution up by its deterministic ARN: found, never started, or an error passed on', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({})
      .rejectsOnce(new ExecutionDoesNotExist({ message: 'none', ...metadata }))
      .rejects(
        new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'slow down', ...metadata }),
      );
    const intake = { caseId: 'C-20261129-7K3M2Q', phase: 'intake', round: 1 } as const;
    expect(await engine().executionExists(intake)).toBe(true);
    expect(sfn.commandCalls(DescribeExecutionCommand)[0]?.args[0].input).toEqual({
      executionArn: executionArn(STATE_MACHINE, 'C-20261129-7K3M2Q--intake--1'),
    });
    expect(await engine().executionExists(intake)).toBe(false);
    await expect(engine().executionExists(intake)).rejects.toThrow('slow down');
  });

  it.each([
    ['TaskTimedOut', new TaskTimedOut({ message: 'timed out', ...metadata })],
    ['InvalidToken', new InvalidToken({ message: 'invalid', ...metadata })],
    ['TaskDoesNotExist', new TaskDoesNotExist({ message: 'gone', ...metadata })],
  ])('answers a callback whose step is gone (%s) as stale', async (_name, error) => {
    sfn.on(SendTaskSuccessCommand).rejects(error);
    expect(await engine().sendTaskSuccess('token', { outcome: 'demolished' })).toBe('stale');
  });

  it('delivers a callback answer as JSON and passes other errors on', async () => {
    sfn
      .on(SendTaskSuccessCommand)
      .resolvesOnce({})
      .rejects(
        new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'slow down', ...metadata }),
      );
    expect(await engine().sendTaskSuccess('token-1', { outcome: 'completed', eventSeq: 9 })).toBe('delivered');
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input).toEqual({
      taskToken: 'token-1',
      output: '{"outcome":"completed","eventSeq":9}',
    });
    await expect(engine().sendTaskSuccess('token-2', { outcome: 'completed' })).rejects.toThrow('slow down');
  });

  it('stops an execution by the ARN derived from its name; one that does not exist is nothing to stop', async () => {
    sfn
      .on(StopExecutionCommand)
      .resolvesOnce({ stopDate: new Date() })
      .rejects(new ExecutionDoesNotExist({ message: 'no', ...metadata }));
    await engine().stopExecution('C-20261129-7K3M2Q--intake--1', 'dismissed');
    expect(sfn.commandCalls(StopExecutionCommand)[0]?.args[0].input).toEqual({
      executionArn:
        'arn:aws:states:ap-east-1:123456789012:execution:rectify-case-lifecycle:C-20261129-7K3M2Q--intake--1',
      cause: 'dismissed',
    });
    await expect(engine().stopExecution('C-20261129-7K3M2Q--intake--2', 'dismissed')).resolves.toBeUndefined();
  });

  it('refuses an ARN that is not a state machine', () => {
    expect(() => executionArn('arn:aws:lambda:ap-east-1:123456789012:function:x', 'n')).toThrow(
      /not a state machine ARN/,
    );
    expect(() => new AwsWorkflowEngine(new SFNClient({ region: 'ap-east-1' }), 'rectify')).toThrow(
      /not a state machine ARN/,
    );
  });
});
