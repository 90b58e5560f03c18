import { Aws, DefaultStackSynthesizer, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { RectifyConfig } from './config';
import type { CaseWorkflow } from './constructs/case-workflow';
import { executionArnPatternFor, stateMachineName } from './constructs/case-workflow';
import type { Manifest } from './manifest-types';
import { ASYNC_KINDS, EXECUTION_ACTIONS, workflowActionsOf } from './manifest-types';
import type { CaseApi } from './constructs/case-api';
import type { ConsoleSite } from './constructs/console-site';
import type { EvidenceBucket } from './constructs/evidence-bucket';
import type { DigestArchive } from './constructs/digest-archive';
import { DIGEST_PREFIX } from '#domain/digest';
import type { CursorKey } from './constructs/cursor-key';
import type { HandlerFunction } from './constructs/handler-function';
import type { Operations } from './constructs/operations';

/** The parts of the Rectify stack whose findings are acknowledged (the stack itself, without importing it). */
interface AcknowledgedStack extends Stack {
  readonly api: CaseApi;
  readonly workflow: CaseWorkflow;
  readonly operations: Operations;
  readonly console: ConsoleSite;
  readonly evidence: EvidenceBucket;
  readonly digests: DigestArchive;
  readonly cursorKey: CursorKey;
  readonly functions: ReadonlyMap<string, HandlerFunction>;
}

/**
 * How cdk-nag names the resource of a wildcard finding (`AwsSolutions-IAM5[Resource::<name>]`): a resolved
 * CloudFormation value flattened to text — `Ref` as `<Id>`, `Fn::GetAtt` as `<Id.Attribute>`, `Fn::Join`
 * joined, `${…}` of `Fn::Sub` as `<…>`. cdk-nag keeps its own rendering internal, so it is written out here;
 * should the two ever differ, the acknowledgement no longer matches and synthesis fails on the finding
 * (test/infra/stack.test.ts), so a drift cannot pass unnoticed.
 */
function nagResourceName(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const node = value as Record<string, unknown>;
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(nagResourceName).join(delimiter);
  }
  if (node['Fn::Sub']) return nagResourceName(node['Fn::Sub']);
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${nagResourceName(resource)}.${nagResourceName(attribute)}>`;
  }
  if (node['Fn::ImportValue']) return nagResourceName(node['Fn::ImportValue']);
  if (node.Ref) return `<${nagResourceName(node.Ref)}>`;
  return JSON.stringify(value);
}

/**
 * Every cdk-nag finding Rectify accepts, each on the one construct it concerns and, for IAM5, naming the
 * exact wildcard it accepts. Anything not listed here fails the synth.
 */
export interface NagAcknowledgement {
  /** Construct path the acknowledgement is attached to; it covers the resources beneath it. */
  path: string;
  id: string;
  reason: string;
}

export function applyNagSuppressions(
  stack: AcknowledgedStack,
  options: { config: RectifyConfig; manifest: Manifest },
): NagAcknowledgement[] {
  const { config, manifest } = options;
  const acknowledgements: NagAcknowledgement[] = [];
  const acknowledge = (scope: IConstruct, id: string, reason: string) => {
    Validations.of(scope).acknowledge({ id, reason });
    acknowledgements.push({ path: scope.node.path, id, reason });
  };

  const runtimeReason =
    'Node.js 22 is the runtime the handlers are built and tested for (esbuild target node22, local stack on Node 20/22); moving to a newer runtime is a deliberate upgrade, not a drift.';
  for (const spec of manifest.functions) {
    const handler = stack.functions.get(spec.id);
    if (!handler) continue;
    acknowledge(handler.function, 'AwsSolutions-L1', runtimeReason);
    acknowledge(handler.function, 'Serverless-LambdaLatestVersion', runtimeReason);
    acknowledge(
      handler.function,
      'Serverless-LambdaDLQ',
      ASYNC_KINDS.includes(spec.kind)
        ? 'Invoked asynchronously (a schedule or a topic): its failed invocations go to the failed-invocation queue through an on-failure destination, which carries the error with the event, rather than a dead-letter queue.'
        : spec.kind === 'api'
          ? 'Invoked synchronously by API Gateway: a dead-letter queue applies only to asynchronous invocations; an error is answered to the caller as problem+json and alarmed.'
          : 'Invoked synchronously by the state machine (lambda:invoke, request-response): a dead-letter queue applies only to asynchronous invocations; the workflow retries the step and records a failure on the case.',
    );
  }

  for (const handler of stack.functions.values()) {
    acknowledge(
      handler.role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions; AWS documents Resource "*" for them.',
    );
  }
  acknowledge(
    stack.operations.failedInvocations,
    'Serverless-SQSRedrivePolicy',
    'This queue is itself the dead-letter destination of the asynchronous functions and the schedules; a redrive policy would move their failed events on to yet another queue nobody reads.',
  );
  acknowledge(
    stack.operations.failedInvocations,
    'AwsSolutions-SQS3',
    'This queue is itself the dead-letter destination: failed asynchronous invocations and undeliverable topic notices land here, an alarm watches its depth, and nothing reads it automatically.',
  );

  const executionPattern = Stack.of(stack).resolve(
    executionArnPatternFor(stack, config.stage, manifest.workflow),
  ) as unknown;
  const executionFinding = `AwsSolutions-IAM5[Resource::${nagResourceName(executionPattern)}]`;
  for (const spec of manifest.functions) {
    const onExecutions = workflowActionsOf(spec).filter((action) => EXECUTION_ACTIONS.includes(action));
    if (onExecutions.length) {
      const handler = stack.functions.get(spec.id);
      if (handler)
        acknowledge(
          handler.role,
          executionFinding,
          `${onExecutions.join(' and ')} act${onExecutions.length === 1 ? 's' : ''} on executions, whose names are per case and phase; the wildcard is limited to executions of ${stateMachineName(config.stage, manifest.workflow)}.`,
        );
    }
  }

  acknowledge(
    stack.workflow.stateMachine.role,
    'AwsSolutions-IAM5[Resource::*]',
    'X-Ray trace segments and CloudWatch Logs log delivery (logs:CreateLogDelivery and related) support no resource-level permissions; AWS documents Resource "*" for both.',
  );

  const cloudWatchRole = stack.api.api.node.tryFindChild('CloudWatchRole');
  if (cloudWatchRole) {
    acknowledge(
      cloudWatchRole,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      "API Gateway's account-level logging role; this AWS-managed policy is the one AWS provides for it and grants log writing only.",
    );
  }

  for (const method of stack.api.api.methods) {
    const isPreflight = method.httpMethod === 'OPTIONS';
    const route = manifest.functions
      .flatMap((spec) => (spec.kind === 'api' ? spec.routes : []))
      .find((r) => r.public && r.method === method.httpMethod && r.path === method.resource.path);
    if (!isPreflight && !route) continue;
    const reason = isPreflight
      ? 'CORS preflight: browsers send OPTIONS without credentials by design; the mock integration returns only the configured CORS headers.'
      : `${method.httpMethod} ${method.resource.path} is public by design: it exposes no case data (see docs/deploy.md, "Public routes").`;
    acknowledge(method, 'AwsSolutions-APIG4', reason);
    acknowledge(method, 'AwsSolutions-COG4', reason);
  }

  if (!config.waf) {
    acknowledge(
      stack.api.api.deploymentStage,
      'AwsSolutions-APIG3',
      `The "${config.stage}" stage is deployed with waf=false, saving the web ACL's cost (about 9 USD a month and 0.60 USD per million requests); the stage keeps Cognito on every data route, request validation and its throttle.`,
    );
  }
  if (config.mfa === 'optional') {
    acknowledge(
      stack.api.userPool,
      'AwsSolutions-COG2',
      `MFA is optional on the "${config.stage}" stage by its configuration (mfa=optional).`,
    );
  }
  acknowledge(
    stack.cursorKey.secret,
    'AwsSolutions-SMG4',
    'No scheduled rotation: the secret is no credential, only the key that seals list positions, which clients hold for minutes. Rotating ends every cursor open at the time (its next page answers 400 cursor and the client starts the list again) and, until Lambda replaces the instances that read the old value, instances on the old and new values refuse each other’s cursors. It is rotated by hand when it may have leaked (docs/deploy.md, "The cursor key").',
  );
  acknowledgeConsoleFindings(stack, acknowledge);
  acknowledgeEvidenceFindings(stack, manifest, acknowledge);
  acknowledgeDigestFindings(stack, manifest, acknowledge);
  return acknowledgements;
}

/** The functions that read or write objects of the evidence bucket. */
function acknowledgeEvidenceFindings(
  stack: AcknowledgedStack,
  manifest: Manifest,
  acknowledge: (scope: IConstruct, id: string, reason: string) => void,
): void {
  const objects = `AwsSolutions-IAM5[Resource::${nagResourceName(stack.resolve(stack.evidence.bucket.arnForObjects('*')))}]`;
  for (const spec of manifest.functions) {
    const handler = stack.functions.get(spec.id);
    if (!spec.objects || !handler) continue;
    acknowledge(
      handler.role,
      objects,
      `Object keys are per case and per file (cases/<case id>/…, exports/<export id>/…), chosen at run time; the wildcard is limited to the objects of the evidence bucket, at ${spec.objects} (the route or task declaration's \`objects\`).`,
    );
  }
}

/** The functions that write or read the signed digests. */
function acknowledgeDigestFindings(
  stack: AcknowledgedStack,
  manifest: Manifest,
  acknowledge: (scope: IConstruct, id: string, reason: string) => void,
): void {
  const digests = `AwsSolutions-IAM5[Resource::${nagResourceName(stack.resolve(stack.digests.bucket.arnForObjects(`${DIGEST_PREFIX}*`)))}]`;
  for (const spec of manifest.functions) {
    const handler = stack.functions.get(spec.id);
    if (!spec.digests || !handler) continue;
    acknowledge(
      handler.role,
      digests,
      `Each digest's key is its place in the chain (digests/<number>.json), known only when it is written; the wildcard is limited to the digests of the digest bucket, at ${spec.digests} (the declaration's \`digests\`).`,
    );
  }
}

/** The web console's distribution, bucket and the deployment function CDK provides for BucketDeployment. */
function acknowledgeConsoleFindings(
  stack: AcknowledgedStack,
  acknowledge: (scope: IConstruct, id: string, reason: string) => void,
): void {
  const site = stack.console;
  const distribution = site.distribution.node.defaultChild as IConstruct;
  acknowledge(
    distribution,
    'AwsSolutions-CFR1',
    'Staff use the console wherever they work, including away from the district; sign-in (Cognito, MFA by stage configuration) decides who gets in, not the country.',
  );
  acknowledge(
    distribution,
    'AwsSolutions-CFR2',
    'A WAF web ACL is an account-level choice with its own cost, as for the API stage (docs/deploy.md); every data request still passes the API’s Cognito authorizer, validation and throttling.',
  );
  acknowledge(
    distribution,
    'AwsSolutions-CFR3',
    'Every API request through the distribution is logged by API Gateway’s access log with the caller’s identity; the console path serves only the built static files, which hold no data.',
  );
  acknowledge(
    distribution,
    'AwsSolutions-CFR4',
    'The distribution answers on its cloudfront.net name, whose certificate CloudFront manages; a district that adds its own domain and certificate sets TLSv1.2_2021 with it (docs/deploy.md).',
  );
  acknowledge(
    site.bucket.node.defaultChild as IConstruct,
    'AwsSolutions-S1',
    'The bucket holds only the console’s built files, written by each deployment; it is read only by CloudFront through origin access control, whose requests are the distribution’s.',
  );

  const handler = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!handler) return;
  const assetBucket = DefaultStackSynthesizer.DEFAULT_FILE_ASSETS_BUCKET_NAME.replace(
    '${Qualifier}',
    DefaultStackSynthesizer.DEFAULT_QUALIFIER,
  )
    .replace('${AWS::AccountId}', Aws.ACCOUNT_ID)
    .replace('${AWS::Region}', stack.region);
  const wildcard = (resource: unknown) => `AwsSolutions-IAM5[Resource::${nagResourceName(stack.resolve(resource))}]`;
  const why =
    'CDK’s BucketDeployment function, which copies the built console from the CDK asset bucket into the console bucket and invalidates the distribution';
  acknowledge(
    handler,
    'AwsSolutions-L1',
    `${why}: its runtime is chosen by the CDK version the project pins, and moves with it.`,
  );
  acknowledge(
    handler,
    'Serverless-LambdaLatestVersion',
    `${why}: its runtime is chosen by the CDK version the project pins, and moves with it.`,
  );
  acknowledge(
    handler,
    'Serverless-LambdaDLQ',
    `${why}: CloudFormation invokes it during a deployment and waits for its answer; a failure fails and rolls back that deployment, which is where it is seen — a dead-letter queue would hold an event nobody replays.`,
  );
  acknowledge(
    handler,
    'Serverless-LambdaTracing',
    `${why}: CDK builds it without a tracing option; it runs only while a deployment copies files, not on any request path.`,
  );
  acknowledge(
    handler,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    `${why}: the AWS-managed basic execution policy lets it write its own logs, nothing else.`,
  );
  for (const action of ['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*']) {
    acknowledge(
      handler,
      `AwsSolutions-IAM5[Action::${action}]`,
      `${why}: CDK grants it read on the asset and read-write on the console bucket with these action groups, on those buckets only.`,
    );
  }
  acknowledge(
    handler,
    wildcard(site.bucket.arnForObjects('*')),
    `${why}: it replaces every object under console/ in the console bucket on each deployment.`,
  );
  acknowledge(
    handler,
    wildcard(`arn:${Aws.PARTITION}:s3:::${assetBucket}/*`),
    `${why}: it reads the console’s asset from the CDK asset bucket of this account and region.`,
  );
  acknowledge(
    handler,
    'AwsSolutions-IAM5[Resource::*]',
    `${why}: cloudfront:CreateInvalidation and GetInvalidation support no resource-level scoping in CDK’s grant for it.`,
  );
}
