import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CfnResource } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import { parseMailRecipients } from '#mail/recipients';
import { createTableInput } from '#store/table';
import { ROLES } from '#domain/vocabulary';
import { PROJECT_ROOT } from '#infra/bundling';
import { MANIFEST } from '#infra/manifest';
import type { FunctionSpec, Manifest } from '#infra/manifest-types';
import { EXECUTION_ACTIONS, workflowActionsOf } from '#infra/manifest-types';
import type { RectifyStack } from '#infra/stack';
import { SAMPLE_MANIFEST } from './fixtures/sample-manifest';
import type { Json, Permission, Synthesized } from './support';
import {
  assertResource,
  assertResourceProperties,
  BASE_CONTEXT,
  formattedArn,
  getAtt,
  logicalId,
  permissionsOf,
  ref,
  resourcesOfType,
  sortPermissions,
  synthesize,
} from './support';

type AslValidator = (
  definition: unknown,
  options?: { checkArn?: boolean; checkPaths?: boolean },
) => { isValid: boolean; errorsText(separator?: string): string };
const validateAsl = jest.requireActual<AslValidator>('asl-validator');

/** What each access level needs, written out here rather than taken from the stack under test. */
const READ_ACTIONS = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
const WRITE_ACTIONS = ['dynamodb:ConditionCheckItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
/** Deleting only where items are meant to go: attention flags and delivered outbox entries. */
const DELETE_CONDITION = { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['ATTENTION', 'OUTBOX#PENDING'] } };
const STATE_MACHINE_NAME = `rectify-${BASE_CONTEXT.stage}-case-lifecycle`;

const cfnOf = (construct: { node: { defaultChild?: unknown } }) => construct.node.defaultChild as CfnResource;

function expectedPermissions(stack: RectifyStack, spec: FunctionSpec): Permission[] {
  const handler = stack.functions.get(spec.id);
  if (!handler) throw new Error(`no function ${spec.id}`);
  const tableId = logicalId(cfnOf(stack.table.table));
  const tableArn = getAtt(tableId);
  const indexArns =
    createTableInput('x').GlobalSecondaryIndexes?.map(
      (index) => ({ 'Fn::Join': ['', [tableArn, `/index/${index.IndexName}`]] }) as Json,
    ) ?? [];
  const permissions: Permission[] = [];
  const allow = (actions: string[], resources: Json[], condition?: Json) => {
    for (const action of actions) {
      for (const resource of resources) {
        permissions.push({
          action,
          resource: JSON.stringify(resource),
          ...(condition ? { condition: JSON.stringify(condition) } : {}),
        });
      }
    }
  };
  allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [getAtt(logicalId(cfnOf(handler.logGroup)))]);
  allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], ['*']);
  if (['mail', 'scheduled', 'subscriber'].includes(spec.kind)) {
    allow(
      ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      [getAtt(logicalId(cfnOf(stack.operations.failedInvocations)))],
    );
  }
  if (spec.table !== 'none') {
    allow(spec.table === 'read' ? READ_ACTIONS : [...READ_ACTIONS, ...WRITE_ACTIONS], [tableArn]);
    allow(['dynamodb:Query'], indexArns);
    if (spec.table === 'read-write' && (spec.sendsMail || spec.deletesItems))
      allow(['dynamodb:DeleteItem'], [tableArn], DELETE_CONDITION);
  }
  const actions = workflowActionsOf(spec);
  allow(
    actions.filter((action) => !EXECUTION_ACTIONS.includes(action)).map((action) => `states:${action}`),
    [formattedArn('states', [`:stateMachine:${STATE_MACHINE_NAME}`])],
  );
  allow(
    actions.filter((action) => EXECUTION_ACTIONS.includes(action)).map((action) => `states:${action}`),
    [formattedArn('states', [`:execution:${STATE_MACHINE_NAME}:*`])],
  );
  if (spec.env?.includes('cursorKey'))
    allow(['secretsmanager:GetSecretValue'], [ref(logicalId(cfnOf(stack.cursorKey.secret)))]);
  if (spec.digests) {
    const bucketArn = getAtt(logicalId(cfnOf(stack.digests.bucket)));
    allow(['s3:ListBucket'], [bucketArn]);
    allow(spec.digests === 'sign' ? ['s3:GetObject', 's3:PutObject'] : ['s3:GetObject'], [
      { 'Fn::Join': ['', [bucketArn, '/digests/*']] } as Json,
    ]);
    allow(spec.digests === 'sign' ? ['kms:Sign'] : ['kms:GetPublicKey'], [getAtt(logicalId(cfnOf(stack.digests.key)))]);
  }
  if (spec.objects) {
    const bucketArn = getAtt(logicalId(cfnOf(stack.evidence.bucket)));
    const objects = { 'Fn::Join': ['', [bucketArn, '/*']] } as Json;
    allow(['s3:ListBucket'], [bucketArn]);
    const actions = {
      read: ['s3:GetObject'],
      'read-write': [
        's3:GetObject',
        's3:PutObject',
        's3:DeleteObject',
        's3:PutObjectRetention',
        's3:AbortMultipartUpload',
      ],
      archive: ['s3:PutObjectTagging'],
    }[spec.objects];
    allow(actions, [objects]);
  }
  if (spec.sendsMail) {
    const recipients = [...Object.values(BASE_CONTEXT.escalationRecipients).flat(), ...BASE_CONTEXT.fallbackRecipients];
    allow(
      ['ses:SendRawEmail'],
      [
        formattedArn('ses', [':identity/', ref(logicalId(cfnOf(stack.mail.identity)))]),
        ...recipients.map((address) => formattedArn('ses', [`:identity/${address}`])),
        formattedArn('ses', [':configuration-set/', ref(logicalId(cfnOf(stack.mail.configurationSet)))]),
      ],
      { StringEquals: { 'ses:FromAddress': BASE_CONTEXT.senderAddress } },
    );
  }
  return sortPermissions(permissions);
}

/**
 * CDK's own function that copies the built console into its bucket (BucketDeployment): its policy is
 * CDK's, with S3 action groups on the two buckets it works on; every other role is Rectify's.
 */
const isConsoleDeployment = (logicalId: string) => logicalId.startsWith('CustomCDKBucketDeployment');
const CONSOLE_DEPLOYMENT_ACTIONS = ['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'];

function allIamActions(template: Template, exclude: (logicalId: string) => boolean = () => false): string[] {
  const actions: string[] = [];
  const collect = (document: unknown) => {
    for (const statement of (document as { Statement?: { Action?: string | string[] }[] } | undefined)?.Statement ??
      []) {
      actions.push(...[statement.Action ?? []].flat());
    }
  };
  for (const [id, policy] of resourcesOfType(template, 'AWS::IAM::Policy'))
    if (!exclude(id)) collect(policy.Properties.PolicyDocument);
  for (const [id, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
    if (exclude(id)) continue;
    collect(role.Properties.AssumeRolePolicyDocument);
    for (const inline of (role.Properties.Policies ?? []) as { PolicyDocument: unknown }[])
      collect(inline.PolicyDocument);
  }
  return actions;
}

/** The manifests whose stacks must have every property below: the real one and a small sample of each kind. */
const MANIFESTS: [string, Manifest][] = [
  ['Rectify', MANIFEST],
  ['sample', SAMPLE_MANIFEST],
];

describe.each(MANIFESTS)('the %s stack', (_label, manifest) => {
  let synth: Synthesized;
  let stack: RectifyStack;
  let template: Template;
  beforeAll(() => {
    synth = synthesize(manifest);
    ({ stack, template } = synth);
  });

  const functionProps = (spec: FunctionSpec) => {
    const handler = stack.functions.get(spec.id);
    if (!handler) throw new Error(`no function ${spec.id}`);
    const id = logicalId(cfnOf(handler.function));
    return { id, handler, props: template.toJSON().Resources[id].Properties as Record<string, Json> };
  };

  it('has no cdk-nag AwsSolutions or Serverless error left unacknowledged', () => {
    expect(synth.nagErrors).toEqual([]);
  });

  it('acknowledges only findings that cdk-nag really reports there, each with a reason', () => {
    const { nagFindings } = synthesize(manifest, {}, { acknowledgeNagFindings: false });
    expect(stack.nagAcknowledgements.length).toBeGreaterThan(0);
    const needless = stack.nagAcknowledgements.filter(
      (acknowledgement) =>
        !nagFindings.some(
          (finding) =>
            finding.rule === acknowledgement.id &&
            (finding.path === acknowledgement.path || finding.path.startsWith(`${acknowledgement.path}/`)),
        ),
    );
    expect(needless).toEqual([]);
    for (const acknowledgement of stack.nagAcknowledgements) expect(acknowledgement.reason.length).toBeGreaterThan(60);
  });

  it('builds the table from the shared definition: on demand, PITR, encrypted, TTL, protected and retained', () => {
    const definition = createTableInput('x');
    const [[, table]] = resourcesOfType(template, 'AWS::DynamoDB::Table') as [
      [string, { Properties: Record<string, Json> }],
    ];
    const props = table.Properties;
    expect(props.KeySchema).toEqual(definition.KeySchema);
    expect(new Set(props.AttributeDefinitions as Json[])).toEqual(
      new Set(definition.AttributeDefinitions as unknown as Json[]),
    );
    expect(props.GlobalSecondaryIndexes).toEqual(
      expect.arrayContaining(
        (definition.GlobalSecondaryIndexes ?? []).map((index) =>
          expect.objectContaining({
            IndexName: index.IndexName,
            KeySchema: index.KeySchema,
            Projection: index.Projection?.NonKeyAttributes
              ? { ProjectionType: 'INCLUDE', NonKeyAttributes: index.Projection.NonKeyAttributes }
              : { ProjectionType: 'KEYS_ONLY' },
          }),
        ),
      ),
    );
    expect((props.GlobalSecondaryIndexes as Json[]).length).toBe(definition.GlobalSecondaryIndexes?.length);
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
    expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(props.SSESpecification).toEqual({ SSEEnabled: true });
    expect(props.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(props.DeletionProtectionEnabled).toBe(true);
    for (const type of ['AWS::DynamoDB::Table', 'AWS::Cognito::UserPool', 'AWS::Logs::LogGroup', 'AWS::KMS::Key']) {
      for (const [, resource] of Object.entries(template.findResources(type)))
        expect({ type, policy: (resource as { DeletionPolicy?: string }).DeletionPolicy }).toEqual({
          type,
          policy: 'Retain',
        });
    }
  });

  it('runs every manifest entry as a Node.js 22 arm64 function with its own log group and source maps on', () => {
    expect(
      resourcesOfType(template, 'AWS::Lambda::Function')
        .map(([id]) => id)
        .filter((id) => !isConsoleDeployment(id))
        .sort(),
    ).toEqual(manifest.functions.map((spec) => functionProps(spec).id).sort());
    for (const spec of manifest.functions) {
      const { props, handler } = functionProps(spec);
      expect(props).toEqual(
        expect.objectContaining({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          LoggingConfig: { LogGroup: ref(logicalId(cfnOf(handler.logGroup))) },
        }),
      );
      assertResourceProperties(template, 'AWS::Logs::LogGroup', { RetentionInDays: 180 });
      const variables = (props.Environment as { Variables: Record<string, Json> }).Variables;
      // Reading source maps at load costs every cold start (infra/bundling.ts): the map is deployed, not read.
      expect(variables.NODE_OPTIONS).toBeUndefined();
    }
  });

  it('gives each function exactly the environment its manifest entry asks for', () => {
    for (const spec of manifest.functions) {
      const variables = (functionProps(spec).props.Environment as { Variables: Record<string, Json> }).Variables;
      const expected = [
        'POWERTOOLS_LOG_LEVEL',
        'POWERTOOLS_SERVICE_NAME',
        ...(spec.table === 'none' ? [] : ['TABLE_NAME']),
      ];
      const env = spec.env ?? [];
      if (env.includes('deadlines')) expected.push('CALENDAR_JSON', 'POLICY_JSON');
      if (env.includes('stateMachine')) expected.push('STATE_MACHINE_ARN');
      // CONSOLE_URL: the configured address, else the distribution's (see the test below).
      if (env.includes('links')) expected.push('CONSOLE_URL');
      if (env.includes('mail')) expected.push('MAIL_CONFIGURATION_SET', 'MAIL_RECIPIENTS_JSON');
      if (env.includes('cursorKey')) expected.push('CURSOR_SECRET_ARN');
      if (env.includes('objects')) expected.push('OBJECT_BUCKET');
      if (env.includes('digests')) expected.push('DIGEST_BUCKET', 'DIGEST_KEY_ARN');
      if (env.includes('documents')) expected.push('ISSUING_OFFICES_JSON');
      // The offices as configured beside the recipients, validated at synth as at cold start.
      expect(variables.ISSUING_OFFICES_JSON ? JSON.parse(String(variables.ISSUING_OFFICES_JSON)) : null).toEqual(
        env.includes('documents') ? { subdistricts: BASE_CONTEXT.issuingOffices } : null,
      );
      expect({ [spec.id]: Object.keys(variables).sort() }).toEqual({ [spec.id]: expected.sort() });
      expect(variables.TABLE_NAME ?? null).toEqual(
        spec.table === 'none' ? null : ref(logicalId(cfnOf(stack.table.table))),
      );
      expect(variables.STATE_MACHINE_ARN ?? null).toEqual(
        env.includes('stateMachine') ? formattedArn('states', [`:stateMachine:${STATE_MACHINE_NAME}`]) : null,
      );
    }
  });

  it('hands every mail sender the sender and the recipients per sub-district, in the shape the mail senders parse', () => {
    const senders = manifest.functions.filter((spec) => (spec.env ?? []).includes('mail'));
    expect(senders.length).toBeGreaterThan(0);
    for (const spec of senders) {
      const variables = (functionProps(spec).props.Environment as { Variables: Record<string, Json> }).Variables;
      const recipients = parseMailRecipients(JSON.parse(String(variables.MAIL_RECIPIENTS_JSON)));
      expect({ [spec.id]: recipients }).toEqual({
        [spec.id]: {
          from: BASE_CONTEXT.senderAddress,
          subdistricts: BASE_CONTEXT.escalationRecipients,
          fallback: BASE_CONTEXT.fallbackRecipients,
        },
      });
      expect(variables.MAIL_CONFIGURATION_SET).toEqual(ref(logicalId(cfnOf(stack.mail.configurationSet))));
    }
  });

  it('grants each function exactly what its manifest entry says it needs, and nothing else', () => {
    for (const spec of manifest.functions) {
      const { handler } = functionProps(spec);
      const granted = sortPermissions(permissionsOf(template, logicalId(cfnOf(handler.role))));
      expect({ [spec.id]: granted }).toEqual({ [spec.id]: expectedPermissions(stack, spec) });
    }
  });

  it('allows no wildcard action and no DynamoDB Scan anywhere', () => {
    const actions = allIamActions(template, isConsoleDeployment);
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    const deployment = allIamActions(template, (id) => !isConsoleDeployment(id));
    expect([...new Set(deployment.filter((action) => action.includes('*')))].sort()).toEqual(
      CONSOLE_DEPLOYMENT_ACTIONS,
    );
    expect(JSON.stringify(template.toJSON())).not.toMatch(/dynamodb:Scan|dynamodb:\*/);
  });

  it('keeps read routes (what auditors call) free of any write, workflow or mail permission', () => {
    const readers = manifest.functions.filter(
      (spec) => spec.kind === 'api' && spec.routes.every((route) => route.method === 'GET'),
    );
    expect(readers.length).toBeGreaterThan(0);
    for (const spec of readers) {
      const actions = permissionsOf(template, logicalId(cfnOf(functionProps(spec).handler.role))).map((p) => p.action);
      expect({
        [spec.id]: actions.filter(
          (action) =>
            // Reading the cursor key (the paging routes), stored files (verify, downloads) and the digest key's
            // public half (the digest check) are reads too.
            !/^(logs:CreateLogStream|logs:PutLogEvents|xray:PutTraceSegments|xray:PutTelemetryRecords|dynamodb:(GetItem|BatchGetItem|Query)|secretsmanager:GetSecretValue|s3:(GetObject|ListBucket)|kms:GetPublicKey)$/.test(
              action,
            ),
        ),
      }).toEqual({
        // The export writes an export too large for its answer to the object store (exports/…, kept two
        // days), never a case's data.
        [spec.id]:
          spec.id === 'ExportCases'
            ? ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:PutObject', 's3:PutObjectRetention']
            : [],
      });
    }
  });

  it('loads the state machine from the ASL file unchanged, its task ARNs as substitutions', () => {
    const [[, machine]] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine') as [
      [string, { Properties: Record<string, Json> }],
    ];
    const file = readFileSync(path.join(PROJECT_ROOT, manifest.workflow.definition), 'utf8');
    expect(machine.Properties.DefinitionString).toBe(file);
    const tasks = manifest.functions.filter((spec) => spec.kind === 'task');
    expect(machine.Properties.DefinitionSubstitutions).toEqual({
      ...Object.fromEntries(tasks.map((spec) => [spec.substitution, getAtt(functionProps(spec).id)])),
      Partition: ref('AWS::Partition'),
    });
  });

  it('has a synthesized definition that asl-validator accepts once substituted', () => {
    const [[, machine]] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine') as [
      [string, { Properties: Record<string, Json> }],
    ];
    const substitutions = machine.Properties.DefinitionSubstitutions as Record<string, Json>;
    let definition = machine.Properties.DefinitionString as string;
    for (const [name, value] of Object.entries(substitutions)) {
      if (name === 'Partition') {
        definition = definition.split('${Partition}').join('aws');
        continue;
      }
      const [functionId] = (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
      definition = definition
        .split(`\${${name}}`)
        .join(`arn:aws:lambda:${BASE_CONTEXT.region}:123456789012:function:${functionId}`);
    }
    expect(definition).not.toMatch(/\$\{/);
    const result = validateAsl(JSON.parse(definition), { checkArn: true, checkPaths: true });
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('runs the state machine as Standard, fixed name, logging every state without data, traced', () => {
    const machine = stack.workflow.stateMachine;
    assertResourceProperties(template, 'AWS::StepFunctions::StateMachine', {
      StateMachineName: STATE_MACHINE_NAME,
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: getAtt(logicalId(cfnOf(stack.workflow.logGroup))) } }],
      },
    });
    const permissions = permissionsOf(template, logicalId(cfnOf(machine.role)));
    const invoked = permissions.filter((p) => p.action.startsWith('lambda:'));
    const tasks = manifest.functions.filter((spec) => spec.kind === 'task');
    expect(sortPermissions(invoked)).toEqual(
      sortPermissions(
        tasks.map((spec) => ({
          action: 'lambda:InvokeFunction',
          resource: JSON.stringify(getAtt(functionProps(spec).id)),
        })),
      ),
    );
    const others = permissions.filter((p) => !p.action.startsWith('lambda:'));
    for (const permission of others) {
      expect(permission.action).toMatch(
        /^(xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets)|logs:(Create|Delete|Get|Update)LogDelivery|logs:ListLogDeliveries|logs:PutResourcePolicy|logs:DescribeResourcePolicies|logs:DescribeLogGroups)$/,
      );
      expect(permission.resource).toBe('"*"');
    }
  });

  it('serves exactly the manifest routes, each from its function, every one but the public routes behind Cognito', () => {
    const authorizerId = logicalId(stack.api.authorizer.node.defaultChild as CfnResource);
    const served: string[] = [];
    for (const method of stack.api.api.methods) {
      if (method.httpMethod === 'OPTIONS') continue;
      const props = template.toJSON().Resources[logicalId(cfnOf(method))].Properties as Record<string, Json>;
      const route = manifest.functions
        .flatMap((spec) => (spec.kind === 'api' ? spec.routes.map((r) => ({ ...r, spec })) : []))
        .find((r) => r.method === method.httpMethod && r.path === method.resource.path);
      expect({ route: `${method.httpMethod} ${method.resource.path}`, inManifest: Boolean(route) }).toEqual({
        route: `${method.httpMethod} ${method.resource.path}`,
        inManifest: true,
      });
      if (!route) continue;
      served.push(`${route.method} ${route.path}`);
      expect(JSON.stringify(props.Integration)).toContain(JSON.stringify(getAtt(functionProps(route.spec).id)));
      expect((props.Integration as Record<string, Json>).Type).toBe('AWS_PROXY');
      expect({ route: route.path, auth: props.AuthorizationType, authorizer: props.AuthorizerId ?? null }).toEqual(
        route.public
          ? { route: route.path, auth: 'NONE', authorizer: null }
          : { route: route.path, auth: 'COGNITO_USER_POOLS', authorizer: ref(authorizerId) },
      );
    }
    const routes = manifest.functions.flatMap((spec) =>
      spec.kind === 'api' ? spec.routes.map((r) => `${r.method} ${r.path}`) : [],
    );
    expect(served.sort()).toEqual(routes.sort());
    expect(
      manifest.functions
        .flatMap((spec) => (spec.kind === 'api' ? spec.routes : []))
        .filter((r) => r.public)
        .map((r) => r.path),
    ).toEqual(expect.arrayContaining(['/health']));
  });

  it('checks path parameters, required headers and JSON bodies before a handler runs', () => {
    assertResourceProperties(template, 'AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    const validatorId = logicalId(stack.api.node.findChild('Validator').node.defaultChild as CfnResource);
    for (const spec of manifest.functions) {
      if (spec.kind !== 'api') continue;
      for (const route of spec.routes) {
        const method = stack.api.api.methods.find(
          (m) => m.httpMethod === route.method && m.resource.path === route.path,
        );
        if (!method) throw new Error(`no method for ${route.method} ${route.path}`);
        const props = template.toJSON().Resources[logicalId(cfnOf(method))].Properties as Record<string, Json>;
        expect(props.RequestValidatorId).toEqual(ref(validatorId));
        const expectedParameters = Object.fromEntries([
          ...[...route.path.matchAll(/\{(\w+)\}/g)].map((m) => [`method.request.path.${m[1]}`, true]),
          ...(route.requiredHeaders ?? []).map((h) => [`method.request.header.${h}`, true]),
        ]);
        expect({ route: route.path, parameters: props.RequestParameters }).toEqual({
          route: route.path,
          parameters: expectedParameters,
        });
        expect({ route: route.path, models: props.RequestModels ?? null }).toEqual({
          route: route.path,
          models:
            route.method === 'GET'
              ? null
              : {
                  'application/json': ref(
                    logicalId(stack.api.node.findChild('JsonObject').node.defaultChild as CfnResource),
                  ),
                },
        });
      }
    }
  });

  it('logs API access with the caller, traces with X-Ray and throttles the stage', () => {
    assertResourceProperties(template, 'AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      AccessLogSetting: {
        DestinationArn: getAtt(logicalId(cfnOf(stack.api.accessLogs))),
        Format: Match.stringLikeRegexp('\\$context\\.authorizer\\.claims\\.sub'),
      },
      MethodSettings: [
        Match.objectLike({
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
        }),
      ],
    });
  });

  it('answers gateway-level errors as problem+json', () => {
    const responses = resourcesOfType(template, 'AWS::ApiGateway::GatewayResponse').map(([, r]) => r.Properties);
    for (const type of [
      'BAD_REQUEST_BODY',
      'BAD_REQUEST_PARAMETERS',
      'UNAUTHORIZED',
      'ACCESS_DENIED',
      'THROTTLED',
      'DEFAULT_4XX',
      'DEFAULT_5XX',
    ]) {
      const response = responses.find((r) => r.ResponseType === type);
      expect({
        type,
        contentType: (response?.ResponseParameters as Record<string, string> | undefined)?.[
          'gatewayresponse.header.Content-Type'
        ],
      }).toEqual({
        type,
        contentType: "'application/problem+json'",
      });
      const body = (response?.ResponseTemplates as Record<string, string>)['application/json'] ?? '';
      // The template is JSON once API Gateway fills its $context variables.
      expect(() => JSON.parse(body.replace('$context.error.messageString', '"message"'))).not.toThrow();
    }
  });

  it('has a user pool with one group per role, no self sign-up, TOTP MFA and threat protection', () => {
    const groups = resourcesOfType(template, 'AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName);
    expect([...groups].sort()).toEqual([...ROLES].sort());
    assertResourceProperties(template, 'AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      DeletionProtection: 'ACTIVE',
    });
  });

  it('has the SES identity and a configuration set that reports bounces and complaints to an encrypted topic', () => {
    assertResourceProperties(template, 'AWS::SES::EmailIdentity', { EmailIdentity: BASE_CONTEXT.senderIdentity });
    assertResourceProperties(template, 'AWS::SES::ConfigurationSet', {
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
    assertResourceProperties(template, 'AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: Match.arrayWith(['bounce', 'complaint']),
        SnsDestination: { TopicARN: ref(logicalId(cfnOf(stack.operations.mailEventsTopic))) },
      },
    });
    for (const [, topic] of resourcesOfType(template, 'AWS::SNS::Topic')) {
      expect(topic.Properties.KmsMasterKeyId).toEqual(getAtt(logicalId(cfnOf(stack.operations.key))));
    }
  });

  it('lets CloudWatch alarms of this account (and nobody else) publish to the alarm topic, and SES to the mail-event topic', () => {
    const policies = resourcesOfType(template, 'AWS::SNS::TopicPolicy').map(([, p]) => p.Properties);
    const statementsFor = (topic: CfnResource) =>
      policies
        .filter((p) => JSON.stringify(p.Topics) === JSON.stringify([ref(logicalId(topic))]))
        .flatMap((p) => (p.PolicyDocument as { Statement: Record<string, Json>[] }).Statement);
    const alarmStatements = statementsFor(cfnOf(stack.operations.alarmTopic));
    expect(alarmStatements.filter((st) => st.Effect === 'Allow')).toEqual([
      expect.objectContaining({
        Action: 'sns:Publish',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Resource: ref(logicalId(cfnOf(stack.operations.alarmTopic))),
        Condition: {
          StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
          ArnLike: { 'aws:SourceArn': formattedArn('cloudwatch', [':alarm:*']) },
        },
      }),
    ]);
    // The enforce-SSL deny stays.
    expect(alarmStatements.filter((st) => st.Effect === 'Deny').map((st) => st.Condition)).toEqual([
      { Bool: { 'aws:SecureTransport': 'false' } },
    ]);
    const mailStatements = statementsFor(cfnOf(stack.operations.mailEventsTopic)).filter((st) => st.Effect === 'Allow');
    expect(mailStatements).toEqual([
      expect.objectContaining({ Action: 'sns:Publish', Principal: { Service: 'ses.amazonaws.com' } }),
    ]);
  });

  it('names the state machine’s log group under /aws/vendedlogs/states/, so log delivery’s resource policy does not grow per group', () => {
    expect(cfnOf(stack.workflow.logGroup)).toBeDefined();
    assertResourceProperties(template, 'AWS::Logs::LogGroup', {
      LogGroupName: `/aws/vendedlogs/states/${STATE_MACHINE_NAME}`,
    });
    const machine = resourcesOfType(template, 'AWS::StepFunctions::StateMachine')[0]?.[1];
    expect(JSON.stringify(machine?.Properties.LoggingConfiguration)).toContain(
      logicalId(cfnOf(stack.workflow.logGroup)),
    );
  });

  it('gives the API’s app client SRP and password sign-in and no OAuth flow or callback URL', () => {
    const clients = resourcesOfType(template, 'AWS::Cognito::UserPoolClient').map(([, c]) => c.Properties);
    const apiClient = clients.find((c) => c.ClientName === `rectify-${BASE_CONTEXT.stage}-api`);
    expect(apiClient).toBeDefined();
    expect(apiClient?.ExplicitAuthFlows).toEqual(
      expect.arrayContaining(['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH']),
    );
    expect({
      flows: apiClient?.AllowedOAuthFlows ?? null,
      callbacks: apiClient?.CallbackURLs ?? null,
      oauth: apiClient?.AllowedOAuthFlowsUserPoolClient ?? false,
    }).toEqual({
      flows: null,
      callbacks: null,
      oauth: false,
    });
    expect(JSON.stringify(clients)).not.toContain('example.com');
  });

  it('traces every function with X-Ray', () => {
    for (const spec of manifest.functions)
      expect({ id: spec.id, tracing: functionProps(spec).props.TracingConfig }).toEqual({
        id: spec.id,
        tracing: { Mode: 'Active' },
      });
  });

  it('sends a scheduled or subscribed function’s failed invocations, after two retries, to a queue whose depth is alarmed', () => {
    const queue = getAtt(logicalId(cfnOf(stack.operations.failedInvocations)));
    const configs = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig').map(([, c]) => c.Properties);
    const asynchronous = manifest.functions.filter((spec) => ['mail', 'scheduled', 'subscriber'].includes(spec.kind));
    expect(asynchronous.length).toBeGreaterThan(0);
    for (const spec of asynchronous) {
      const config = configs.find(
        (c) => JSON.stringify(c.FunctionName) === JSON.stringify(ref(functionProps(spec).id)),
      );
      expect({ id: spec.id, retries: config?.MaximumRetryAttempts, onFailure: config?.DestinationConfig }).toEqual({
        id: spec.id,
        retries: 2,
        onFailure: { OnFailure: { Destination: queue } },
      });
    }
    expect(configs).toHaveLength(asynchronous.length);
    const depth = resourcesOfType(template, 'AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties)
      .filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(depth.map((a) => [a.Threshold, JSON.stringify(a.Dimensions)])).toEqual([
      [
        1,
        JSON.stringify([
          { Name: 'QueueName', Value: getAtt(logicalId(cfnOf(stack.operations.failedInvocations)), 'QueueName') },
        ]),
      ],
    ]);
  });

  it('alarms when a function runs close to its timeout, when the table throttles, on flagged or stalled cases and on failed or bounced mail', () => {
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    for (const spec of manifest.functions) {
      const { id, props } = functionProps(spec);
      const duration = alarms.filter(
        (a) =>
          a.MetricName === 'Duration' &&
          JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: ref(id) }]),
      );
      expect({ id: spec.id, thresholds: duration.map((a) => a.Threshold) }).toEqual({
        id: spec.id,
        thresholds: [Math.round((props.Timeout as number) * 1000 * 0.8)],
      });
    }
    const names = alarms.map((a) => `${a.Namespace}/${a.MetricName}`);
    for (const metric of [
      'AWS/DynamoDB/ReadThrottleEvents',
      'AWS/DynamoDB/WriteThrottleEvents',
      'Rectify/CasesNeedingAttention',
      'Rectify/StalledWorkflowsFound',
      'Rectify/EmailsBouncedOrComplained',
      'Rectify/EmailsFailedOrUnconfirmed',
    ]) {
      expect({ metric, alarms: names.filter((n) => n === metric).length }).toEqual({ metric, alarms: 1 });
    }
    const filters = resourcesOfType(template, 'AWS::Logs::MetricFilter').map(([, f]) => f.Properties);
    expect(filters).toHaveLength(manifest.functions.filter((spec) => spec.sendsMail).length);
    for (const filter of filters)
      expect(filter.MetricTransformations).toEqual([
        expect.objectContaining({
          MetricNamespace: 'Rectify',
          MetricName: 'EmailsFailedOrUnconfirmed',
          MetricValue: '1',
        }),
      ]);
  });

  it('shows every alarm on one dashboard', () => {
    const [[, dashboard]] = resourcesOfType(template, 'AWS::CloudWatch::Dashboard') as [
      [string, { Properties: Record<string, Json> }],
    ];
    expect(dashboard.Properties.DashboardName).toBe(`rectify-${BASE_CONTEXT.stage}`);
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const [id] of resourcesOfType(template, 'AWS::CloudWatch::Alarm'))
      expect({ id, shown: body.includes(id) }).toEqual({ id, shown: true });
  });

  it('puts a WAF web ACL with AWS managed rules and a rate rule per address on the API stage', () => {
    const [[aclId, acl]] = resourcesOfType(template, 'AWS::WAFv2::WebACL') as [
      [string, { Properties: Record<string, Json> }],
    ];
    const rules = acl.Properties.Rules as { Name: string; Statement: Record<string, Json>; Action?: Json }[];
    expect(rules.map((r) => r.Name)).toEqual([
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesAmazonIpReputationList',
      'RatePerIp',
    ]);
    expect(rules[3]).toEqual(
      expect.objectContaining({
        Action: { Block: {} },
        Statement: { RateBasedStatement: { Limit: 3000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
      }),
    );
    expect(acl.Properties.Scope).toBe('REGIONAL');
    assertResourceProperties(template, 'AWS::WAFv2::WebACLAssociation', { WebACLArn: getAtt(aclId) });
  });

  it('deploys to the configured region, whatever the shell says', () => {
    expect(stack.region).toBe(BASE_CONTEXT.region);
  });

  it('alarms on failed, timed-out and aborted executions, API 5xx, each function’s errors and throttles, and SES bounce and complaint rates', () => {
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const topic = ref(logicalId(cfnOf(stack.operations.alarmTopic)));
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([topic]);
    const find = (namespace: string, metric: string, dimension?: { Name: string; Value: Json }) =>
      alarms.filter(
        (a) =>
          a.Namespace === namespace &&
          a.MetricName === metric &&
          (!dimension || JSON.stringify(a.Dimensions) === JSON.stringify([dimension])),
      );
    const machine = { Name: 'StateMachineArn', Value: ref(logicalId(cfnOf(stack.workflow.stateMachine))) };
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
      expect({ metric, alarms: find('AWS/States', metric, machine).length }).toEqual({ metric, alarms: 1 });
    }
    expect(
      find('AWS/ApiGateway', '5XXError', { Name: 'ApiName', Value: `rectify-${BASE_CONTEXT.stage}` }),
    ).toHaveLength(1);
    for (const spec of manifest.functions) {
      const dimension = { Name: 'FunctionName', Value: ref(functionProps(spec).id) };
      expect({
        function: spec.id,
        errors: find('AWS/Lambda', 'Errors', dimension).length,
        throttles: find('AWS/Lambda', 'Throttles', dimension).length,
      }).toEqual({
        function: spec.id,
        errors: 1,
        throttles: 1,
      });
    }
    const bounce = find('AWS/SES', 'Reputation.BounceRate');
    const complaint = find('AWS/SES', 'Reputation.ComplaintRate');
    expect(bounce.map((a) => a.Threshold)).toEqual([0.04]);
    expect(complaint.map((a) => a.Threshold)).toEqual([0.0008]);
  });
});

describe('the stack under other context values', () => {
  it('lets a throwaway stage turn deletion protection off and its data go with the stack', () => {
    const { template } = synthesize(SAMPLE_MANIFEST, { deletionProtection: false, retainData: false });
    assertResourceProperties(template, 'AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
    assertResourceProperties(template, 'AWS::Cognito::UserPool', { DeletionProtection: 'INACTIVE' });
    for (const type of ['AWS::DynamoDB::Table', 'AWS::Cognito::UserPool', 'AWS::Logs::LogGroup', 'AWS::KMS::Key']) {
      assertResource(template, type, { DeletionPolicy: 'Delete' });
    }
  });

  it('has no CORS preflight unless origins are configured', () => {
    const { template } = synthesize(SAMPLE_MANIFEST);
    expect(
      Object.values(template.findResources('AWS::ApiGateway::Method')).map(
        (m) => (m as { Properties: { HttpMethod: string } }).Properties.HttpMethod,
      ),
    ).not.toContain('OPTIONS');
  });

  it('answers CORS preflights for configured origins, still cdk-nag clean', () => {
    const origin = 'https://rectify.xiaolongkan.example.gov.cn';
    const { template, nagErrors } = synthesize(SAMPLE_MANIFEST, { corsOrigins: JSON.stringify([origin]) });
    assertResourceProperties(template, 'AWS::ApiGateway::Method', { HttpMethod: 'OPTIONS', AuthorizationType: 'NONE' });
    assertResourceProperties(template, 'AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Access-Control-Allow-Origin': `'${origin}'` }),
    });
    expect(nagErrors).toEqual([]);
  });

  it('lets a stage make MFA optional, still cdk-nag clean', () => {
    const { template, nagErrors } = synthesize(SAMPLE_MANIFEST, { mfa: 'optional' });
    assertResourceProperties(template, 'AWS::Cognito::UserPool', { MfaConfiguration: 'OPTIONAL' });
    expect(nagErrors).toEqual([]);
  });

  it('uses an existing SES identity and configuration set by name, still adding its own event destination', () => {
    const { stack, template, nagErrors } = synthesize(SAMPLE_MANIFEST, {
      importSenderIdentity: true,
      configurationSetName: 'district-mail',
    });
    expect(Object.keys(template.findResources('AWS::SES::EmailIdentity'))).toEqual([]);
    expect(Object.keys(template.findResources('AWS::SES::ConfigurationSet'))).toEqual([]);
    assertResourceProperties(template, 'AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: 'district-mail',
      EventDestination: Match.objectLike({
        Name: 'rectify-test-operator-events',
        MatchingEventTypes: Match.arrayWith(['bounce', 'complaint']),
      }),
    });
    const sender = SAMPLE_MANIFEST.functions.find((spec) => spec.sendsMail);
    const role = sender && stack.functions.get(sender.id)?.role;
    if (!role) throw new Error('the sample manifest has no mail sender');
    const sendResources = permissionsOf(template, logicalId(cfnOf(role)))
      .filter((p) => p.action === 'ses:SendRawEmail')
      .map((p) => JSON.parse(p.resource) as Json);
    expect(sendResources).toEqual(
      expect.arrayContaining([
        formattedArn('ses', [`:identity/${BASE_CONTEXT.senderIdentity}`]),
        formattedArn('ses', [':configuration-set/district-mail']),
      ]),
    );
    expect(nagErrors).toEqual([]);
  });

  it('lets a stage leave WAF off, the finding acknowledged with the cost it saves', () => {
    const { template, nagErrors, stack } = synthesize(SAMPLE_MANIFEST, { waf: false });
    expect(Object.keys(template.findResources('AWS::WAFv2::WebACL'))).toEqual([]);
    expect(nagErrors).toEqual([]);
    expect(stack.nagAcknowledgements.filter((a) => a.id === 'AwsSolutions-APIG3').map((a) => a.reason)).toEqual([
      expect.stringMatching(/waf=false.*USD/),
    ]);
  });

  it('subscribes the mail-event recorder to the mail-event topic, undeliverable notices to the failed-invocation queue', () => {
    const { stack, template } = synthesize(MANIFEST);
    const recorder = stack.functions.get('RecordMailEvents');
    if (!recorder) throw new Error('no RecordMailEvents function');
    assertResourceProperties(template, 'AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: ref(logicalId(stack.operations.mailEventsTopic.node.defaultChild as CfnResource)),
      Endpoint: getAtt(logicalId(recorder.function.node.defaultChild as CfnResource)),
      RedrivePolicy: {
        deadLetterTargetArn: getAtt(logicalId(stack.operations.failedInvocations.node.defaultChild as CfnResource)),
      },
    });
  });

  it('mails alarms to the configured address', () => {
    const { stack, template } = synthesize(SAMPLE_MANIFEST, { alarmEmail: 'ops@example.gov.cn' });
    assertResourceProperties(template, 'AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.gov.cn',
      TopicArn: ref(logicalId(stack.operations.alarmTopic.node.defaultChild as CfnResource)),
    });
  });

  it('links emails to the console: the configured address, else the distribution’s; never to the JSON API', () => {
    const consoleUrlsOf = (template: Template) => {
      const functions = Object.values(template.findResources('AWS::Lambda::Function')) as {
        Properties: { Environment: { Variables: Record<string, unknown> } };
      }[];
      return functions.map((f) => f.Properties.Environment.Variables);
    };
    // Without a configured address every sender's emails link to the distribution (see console-site.test.ts).
    const byDefault = consoleUrlsOf(synthesize(SAMPLE_MANIFEST).template);
    const mailing = SAMPLE_MANIFEST.functions.filter((spec) => spec.env?.includes('links')).length;
    expect(byDefault.filter((v) => 'CONSOLE_URL' in v)).toHaveLength(mailing);
    expect(byDefault.filter((v) => 'CASE_LINK_BASE_URL' in v)).toEqual([]);
    const configured = consoleUrlsOf(
      synthesize(SAMPLE_MANIFEST, { consoleUrl: 'https://rectify.example.gov.cn/console' }).template,
    );
    expect(configured.map((v) => v.CONSOLE_URL).filter(Boolean)).toEqual(
      Array.from({ length: mailing }, () => 'https://rectify.example.gov.cn/console'),
    );
    expect(() => synthesize(SAMPLE_MANIFEST, { consoleUrl: 'not a url' })).toThrow(/consoleUrl/);
  });

  it('refuses a workflow whose placeholders and task functions disagree, naming them', () => {
    const manifest: Manifest = {
      ...SAMPLE_MANIFEST,
      functions: SAMPLE_MANIFEST.functions.map((spec) =>
        spec.id === 'AwaitInspection' ? { ...spec, substitution: 'OpenInspectionFunctionArn' } : spec,
      ),
    };
    expect(() => synthesize(manifest)).toThrow(
      /no task function for \$\{AwaitInspectionFunctionArn\}.*not referenced by the workflow: OpenInspectionFunctionArn/,
    );
  });

  it('refuses a configuration whose environment would exceed Lambda’s 4 KB', () => {
    const manySubdistricts = Object.fromEntries(
      Array.from({ length: 100 }, (_, i) => [`街道${i}`, [`office${i}@example.gov.cn`]]),
    );
    expect(() =>
      synthesize(SAMPLE_MANIFEST, {
        escalationRecipients: manySubdistricts,
        fallbackIssuingOffice: { name: '重庆市沙坪坝区综合行政执法局' },
      }),
    ).toThrow(/RecordReport: its environment would be about \d+ bytes/);
  });
});
