import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CfnResource } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import * as z from 'zod';
import { MANIFEST } from '#infra/manifest';
import type { Manifest } from '#infra/manifest-types';
import type { RectifyAppOptions } from '#infra/rectify-app';
import { createRectifyApp } from '#infra/rectify-app';
import { CLOSED_CASE_FILES_TAG } from '#domain/case-files';

/** The parts of a synthesized template the cost figure reads. */
const resourceSchema = z.object({ Type: z.string(), Properties: z.record(z.string(), z.unknown()).default({}) });
const templateSchema = z.object({ Resources: z.record(z.string(), resourceSchema) });
type Resources = z.infer<typeof templateSchema>['Resources'];

const functionProperties = z.object({
  MemorySize: z.number().int(),
  Environment: z.object({ Variables: z.record(z.string(), z.unknown()).default({}) }).optional(),
  LoggingConfig: z.object({ LogGroup: z.object({ Ref: z.string() }) }).optional(),
});
const getAtt = z.object({ 'Fn::GetAtt': z.tuple([z.string(), z.literal('Arn')]) });
const stateMachineProperties = z.object({
  DefinitionSubstitutions: z.record(z.string(), z.unknown()).default({}),
  LoggingConfiguration: z
    .object({ Level: z.enum(['ALL', 'ERROR', 'FATAL', 'OFF']), IncludeExecutionData: z.boolean().default(false) })
    .optional(),
  TracingConfiguration: z.object({ Enabled: z.boolean() }).optional(),
});
const tableProperties = z.object({
  BillingMode: z.string().optional(),
  GlobalSecondaryIndexes: z
    .array(
      z.object({
        IndexName: z.string(),
        KeySchema: z.array(z.object({ AttributeName: z.string() })),
        Projection: z.object({
          ProjectionType: z.enum(['ALL', 'KEYS_ONLY', 'INCLUDE']),
          NonKeyAttributes: z.array(z.string()).optional(),
        }),
      }),
    )
    .default([]),
  PointInTimeRecoverySpecification: z.object({ PointInTimeRecoveryEnabled: z.boolean() }).optional(),
});

const bucketProperties = z.object({
  ObjectLockConfiguration: z.object({
    Rule: z.object({
      DefaultRetention: z.object({ Mode: z.enum(['GOVERNANCE', 'COMPLIANCE']), Days: z.number().int() }),
    }),
  }),
  LifecycleConfiguration: z
    .object({
      Rules: z.array(
        z.object({
          Prefix: z.string().optional(),
          TagFilters: z.array(z.object({ Key: z.string(), Value: z.string() })).optional(),
          Status: z.string(),
          Transitions: z.array(z.object({ StorageClass: z.string(), TransitionInDays: z.number().int() })).optional(),
        }),
      ),
    })
    .optional(),
});

/** Where a case's files live: `cases/<case id>/…` in the evidence bucket (functions/app, functions/domain). */
const CASE_FILE_KEY = 'cases/C-20261203-K7Q2M9/evidence/E-0';

export interface SecondaryIndex {
  name: string;
  keys: string[];
  /** undefined: every attribute is projected. */
  projected?: string[];
}

/** What the stack as synthesized from cdk.json deploys, as far as a case's cost depends on it. */
export interface DeployedStack {
  region: string;
  /** MemorySize of every Lambda function, by manifest id. */
  memoryMbById: Map<string, number>;
  /** The workflow's task functions (definition substitution key → manifest id), read from the state machine. */
  taskFunctionIds: Map<string, string>;
  /** Every API route (`METHOD /path`) → the manifest id of the function serving it. */
  routeFunctionIds: Map<string, string>;
  /** POWERTOOLS_LOG_LEVEL of every function, by manifest id. */
  logLevelById: Map<string, string>;
  /** Days every Lambda and state-machine log group keeps its logs (the longest, to stay on the safe side). */
  logRetentionDays: number;
  stateMachineLogLevel: 'ALL' | 'ERROR' | 'FATAL' | 'OFF';
  stateMachineLogsExecutionData: boolean;
  tracing: boolean;
  onDemandTable: boolean;
  pointInTimeRecovery: boolean;
  secondaryIndexes: SecondaryIndex[];
  /** A web ACL inspects every API request. */
  firewall: boolean;
  /** The evidence bucket, as it keeps a case's files (evidence and rendered documents). */
  caseFiles: {
    /** Object Lock's default retention: no function can remove a version before it ends. */
    retentionDays: number;
    lockMode: 'GOVERNANCE' | 'COMPLIANCE';
    /** Days after upload a lifecycle rule moves a case file to Glacier Instant Retrieval; none: it stays in Standard. */
    archiveAfterDays?: number;
    /** The same for the files of a closed case (tagged when it closes): days after upload, at the first run after the tag. */
    closedArchiveAfterDays?: number;
  };
  /** Object Lock's default retention of the signed digests. */
  digestRetentionDays: number;
}

/** Reads a case file's keeping from the evidence bucket's Object Lock and lifecycle rules. */
function caseFilesOf(bucket: Resources[string] | undefined): DeployedStack['caseFiles'] {
  const properties = bucketProperties.parse(bucket?.Properties);
  const retention = properties.ObjectLockConfiguration.Rule.DefaultRetention;
  const rules = (properties.LifecycleConfiguration?.Rules ?? []).filter(
    (rule) => rule.Status === 'Enabled' && CASE_FILE_KEY.startsWith(rule.Prefix ?? ''),
  );
  const closedTag = (rule: (typeof rules)[number]) =>
    (rule.TagFilters ?? []).every(
      (filter) => filter.Key === CLOSED_CASE_FILES_TAG.key && filter.Value === CLOSED_CASE_FILES_TAG.value,
    );
  // A rule with another tag applies to files the model does not know of.
  const other = rules.find((rule) => !closedTag(rule));
  if (other) throw new Error(`a lifecycle rule selects case files by ${JSON.stringify(other.TagFilters)}`);
  const transitionsOf = (selected: typeof rules) => selected.flatMap((rule) => rule.Transitions ?? []);
  const unpriced = transitionsOf(rules).find((transition) => transition.StorageClass !== 'GLACIER_IR');
  // The model prices Standard and Glacier Instant Retrieval only; another class needs its own prices.
  if (unpriced) throw new Error(`case files move to ${unpriced.StorageClass}, which the cost model does not price`);
  const earliest = (selected: typeof rules) => {
    const transitions = transitionsOf(selected);
    return transitions.length ? Math.min(...transitions.map((transition) => transition.TransitionInDays)) : undefined;
  };
  const archiveAfterDays = earliest(rules.filter((rule) => !rule.TagFilters?.length));
  const closedArchiveAfterDays = earliest(rules.filter((rule) => rule.TagFilters?.length));
  return {
    retentionDays: retention.Days,
    lockMode: retention.Mode,
    ...(archiveAfterDays === undefined ? {} : { archiveAfterDays }),
    ...(closedArchiveAfterDays === undefined ? {} : { closedArchiveAfterDays }),
  };
}

function ofType(resources: Resources, type: string): [string, Resources[string]][] {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

function only(resources: Resources, type: string): Resources[string] {
  const found = ofType(resources, type);
  if (found.length !== 1) throw new Error(`expected one ${type} in the template, found ${found.length}`);
  return (found[0] as [string, Resources[string]])[1];
}

/** Reads a synthesized template (with the stack's map of manifest ids to logical ids). */
function readDeployedStack(
  template: unknown,
  logicalIdById: Map<string, string>,
  manifest: Manifest,
  region: string,
  buckets: { caseFiles: string; digests: string },
): DeployedStack {
  const { Resources: resources } = templateSchema.parse(template);
  const idByLogicalId = new Map([...logicalIdById].map(([id, logicalId]) => [logicalId, id]));
  const memoryMbById = new Map<string, number>();
  const logLevelById = new Map<string, string>();
  const logGroups = new Set<string>();
  for (const [id, logicalId] of logicalIdById) {
    const resource = resources[logicalId];
    if (resource?.Type !== 'AWS::Lambda::Function') throw new Error(`${id}: no Lambda function ${logicalId}`);
    const properties = functionProperties.parse(resource.Properties);
    memoryMbById.set(id, properties.MemorySize);
    const level = properties.Environment?.Variables.POWERTOOLS_LOG_LEVEL;
    logLevelById.set(id, typeof level === 'string' ? level : 'INFO');
    if (properties.LoggingConfig) logGroups.add(properties.LoggingConfig.LogGroup.Ref);
  }

  const stateMachine = stateMachineProperties.parse(only(resources, 'AWS::StepFunctions::StateMachine').Properties);
  const taskFunctionIds = new Map<string, string>();
  for (const [key, value] of Object.entries(stateMachine.DefinitionSubstitutions)) {
    const reference = getAtt.safeParse(value);
    if (!reference.success) continue;
    const id = idByLogicalId.get(reference.data['Fn::GetAtt'][0]);
    if (id) taskFunctionIds.set(key, id);
  }
  const stateMachineLogs = ofType(resources, 'AWS::Logs::LogGroup').filter(([, resource]) =>
    String(resource.Properties.LogGroupName ?? '').startsWith('/aws/vendedlogs/states/'),
  );
  for (const [logicalId] of stateMachineLogs) logGroups.add(logicalId);
  const retentions = [...logGroups].map((logicalId) => Number(resources[logicalId]?.Properties.RetentionInDays ?? 0));
  // A log group without retention keeps its logs forever: priced as ten years.
  const logRetentionDays = Math.max(...retentions.map((days) => (days > 0 ? days : 3650)));

  const routeFunctionIds = new Map<string, string>();
  for (const spec of manifest.functions)
    if (spec.kind === 'api')
      for (const route of spec.routes) routeFunctionIds.set(`${route.method} ${route.path}`, spec.id);

  const table = tableProperties.parse(only(resources, 'AWS::DynamoDB::Table').Properties);
  return {
    region,
    memoryMbById,
    taskFunctionIds,
    routeFunctionIds,
    logLevelById,
    logRetentionDays,
    stateMachineLogLevel: stateMachine.LoggingConfiguration?.Level ?? 'OFF',
    stateMachineLogsExecutionData: stateMachine.LoggingConfiguration?.IncludeExecutionData ?? false,
    tracing: stateMachine.TracingConfiguration?.Enabled ?? false,
    onDemandTable: table.BillingMode === 'PAY_PER_REQUEST',
    pointInTimeRecovery: table.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled ?? false,
    secondaryIndexes: table.GlobalSecondaryIndexes.map((index) => ({
      name: index.IndexName,
      keys: index.KeySchema.map((key) => key.AttributeName),
      projected:
        index.Projection.ProjectionType === 'ALL'
          ? undefined
          : index.Projection.ProjectionType === 'KEYS_ONLY'
            ? []
            : (index.Projection.NonKeyAttributes ?? []),
    })),
    firewall: ofType(resources, 'AWS::WAFv2::WebACLAssociation').length > 0,
    caseFiles: caseFilesOf(resources[buckets.caseFiles]),
    digestRetentionDays: bucketProperties.parse(resources[buckets.digests]?.Properties).ObjectLockConfiguration.Rule
      .DefaultRetention.Days,
  };
}

/**
 * Synthesizes the app as `cdk deploy` would from cdk.json (handlers not bundled: the code is not what is
 * read here) and reads what a case's cost depends on from the template.
 */
export function synthesizeDeployedStack(options: Pick<RectifyAppOptions, 'context' | 'manifest'> = {}): DeployedStack {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'rectify-cost-'));
  try {
    const { app, stack, config } = createRectifyApp({
      ...options,
      outdir,
      bundle: false,
      nag: false,
      cloudFormationValidation: false,
    });
    const template = app.synth().getStackByName(stack.stackName).template as unknown;
    const logicalIdById = new Map(
      [...stack.functions.entries()].map(([id, handler]) => [
        id,
        stack.resolve((handler.function.node.defaultChild as CfnResource).logicalId) as string,
      ]),
    );
    const logicalIdOf = (construct: Construct) =>
      stack.resolve((construct.node.defaultChild as CfnResource).logicalId) as string;
    return readDeployedStack(template, logicalIdById, options.manifest ?? MANIFEST, config.region, {
      caseFiles: logicalIdOf(stack.evidence.bucket),
      digests: logicalIdOf(stack.digests.bucket),
    });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
