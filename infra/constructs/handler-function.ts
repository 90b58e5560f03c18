import path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLING, DOCUMENT_BUNDLING, LOCK_FILE, PROJECT_ROOT } from '../bundling';
import { API_FUNCTION_TIMEOUT_SECONDS, TASK_FUNCTION_TIMEOUT_SECONDS } from '#shared/time-limits';
import type { FunctionSpec } from '../manifest-types';

/**
 * Lambda gives CPU in proportion to memory. API functions answer people, so they get twice the CPU
 * (a cold start mostly parses the bundle); workflow tasks and scheduled sweeps run unattended.
 */
const DEFAULT_MEMORY_MB: Record<FunctionSpec['kind'], number> = {
  api: 1024,
  task: 512,
  mail: 512,
  scheduled: 512,
  subscriber: 256,
};

/** The API's and the tasks' limits nest inside their callers' (functions/shared/time-limits.ts). */
const DEFAULT_TIMEOUT_SECONDS: Record<FunctionSpec['kind'], number> = {
  api: API_FUNCTION_TIMEOUT_SECONDS,
  task: TASK_FUNCTION_TIMEOUT_SECONDS,
  mail: 60,
  scheduled: 60,
  subscriber: 60,
};

export interface HandlerFunctionProps {
  spec: FunctionSpec;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  /** Where an asynchronous invocation goes once its retries have failed. */
  onFailure?: IQueue;
}

/** Retries Lambda makes of a failed asynchronous invocation before handing it to the on-failure queue. */
const ASYNC_RETRY_ATTEMPTS = 2;

/**
 * One Lambda entry: Node.js 22 on arm64, bundled by esbuild, with its own log group and its own role that
 * starts with nothing but writing to that log group. Every other permission is granted from the manifest.
 */
export class HandlerFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    const { spec } = props;
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.RETAIN });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      // IAM descriptions accept Latin-1 only; the function's own description carries the Chinese terms.
      description: `Rectify ${spec.id} function (${spec.entry})`,
    });
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, spec.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: LOCK_FILE,
      description: spec.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb ?? DEFAULT_MEMORY_MB[spec.kind],
      timeout: Duration.seconds(spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS[spec.kind]),
      reservedConcurrentExecutions: spec.reservedConcurrency,
      // Every function traces with X-Ray, like the API stage and the state machine, so a request or an
      // execution can be followed through each function it reaches.
      tracing: Tracing.ACTIVE,
      ...(props.onFailure
        ? { onFailure: new SqsDestination(props.onFailure), retryAttempts: ASYNC_RETRY_ATTEMPTS }
        : {}),
      role: this.role,
      logGroup: this.logGroup,
      bundling: spec.rendersDocuments ? DOCUMENT_BUNDLING : BUNDLING,
      environment: props.environment,
    });
  }
}
