import {
  DescribeExecutionCommand,
  SFNClient,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { REQUEST_HANDLER } from '#shared/aws-clients';
import { SDK_MAX_ATTEMPTS } from '#shared/time-limits';
import { envPieces, parseEnv } from '#shared/env';
import type { CallbackDelivery, ExecutionStatus, PhaseInput, WorkflowEngine } from './engine';
import { executionName } from './engine';

/** A Step Functions client with the same connection and request timeouts as every other client. */
function sfnClient(options: { maxAttempts?: number } = {}): SFNClient {
  return new SFNClient({ maxAttempts: options.maxAttempts ?? SDK_MAX_ATTEMPTS, requestHandler: REQUEST_HANDLER });
}

/**
 * The engine a function that starts, answers or stops executions builds at cold start: its client and
 * `STATE_MACHINE_ARN`, whose absence (or a malformed ARN) fails the cold start with its name.
 */
export function workflowEngineFromEnv(env: NodeJS.ProcessEnv = process.env): AwsWorkflowEngine {
  return new AwsWorkflowEngine(sfnClient(), parseEnv(envPieces.stateMachine, env).STATE_MACHINE_ARN);
}

/** Errors that mean the waiting step is gone: it timed out, its execution ended, or the token is unknown. */
const STALE_CALLBACK_ERRORS = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

function errorName(error: unknown): string | undefined {
  return (error as { name?: string } | null)?.name;
}

/**
 * `arn:aws:states:<region>:<account>:stateMachine:<name>` → the ARN of execution `name` of it.
 * Executions are addressed by the deterministic names the engine port gives them.
 */
export function executionArn(stateMachineArn: string, name: string): string {
  const parts = stateMachineArn.split(':');
  if (parts.length !== 7 || parts[0] !== 'arn' || parts[2] !== 'states' || parts[5] !== 'stateMachine') {
    throw new Error(`not a state machine ARN: ${stateMachineArn}`);
  }
  return [...parts.slice(0, 5), 'execution', parts[6], name].join(':');
}

/** The workflow engine port on AWS Step Functions. */
export class AwsWorkflowEngine implements WorkflowEngine {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {
    executionArn(stateMachineArn, 'check');
  }

  async startExecution(input: PhaseInput): Promise<{ name: string; started: boolean }> {
    const name = executionName(input);
    try {
      await this.client.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return { name, started: true };
    } catch (error) {
      // Names are unique per state machine: an execution of this phase was started before.
      if (errorName(error) === 'ExecutionAlreadyExists') return { name, started: false };
      throw error;
    }
  }

  async executionExists(input: PhaseInput): Promise<boolean> {
    try {
      await this.client.send(
        new DescribeExecutionCommand({ executionArn: executionArn(this.stateMachineArn, executionName(input)) }),
      );
      return true;
    } catch (error) {
      if (errorName(error) === 'ExecutionDoesNotExist') return false;
      throw error;
    }
  }

  async executionStatus(name: string): Promise<ExecutionStatus | undefined> {
    try {
      const described = await this.client.send(
        new DescribeExecutionCommand({ executionArn: executionArn(this.stateMachineArn, name) }),
      );
      return described.status;
    } catch (error) {
      if (errorName(error) === 'ExecutionDoesNotExist') return undefined;
      throw error;
    }
  }

  async sendTaskSuccess(token: string, output: Record<string, unknown>): Promise<CallbackDelivery> {
    return this.answer(() =>
      this.client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) })),
    );
  }

  async stopExecution(name: string, cause: string): Promise<void> {
    try {
      await this.client.send(
        new StopExecutionCommand({
          executionArn: executionArn(this.stateMachineArn, name),
          cause: cause.slice(0, 32_768),
        }),
      );
    } catch (error) {
      // Never started (or long gone): there is nothing to stop.
      if (errorName(error) === 'ExecutionDoesNotExist') return;
      throw error;
    }
  }

  private async answer(send: () => Promise<unknown>): Promise<CallbackDelivery> {
    try {
      await send();
      return 'delivered';
    } catch (error) {
      if (STALE_CALLBACK_ERRORS.has(errorName(error) ?? '')) return 'stale';
      throw error;
    }
  }
}
