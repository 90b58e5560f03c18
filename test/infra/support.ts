import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CfnResource } from 'aws-cdk-lib';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { RectifyAppOptions } from '#infra/rectify-app';
import { createRectifyApp } from '#infra/rectify-app';
import type { Manifest } from '#infra/manifest-types';
import type { RectifyStack } from '#infra/stack';

/** Context a deployment must give; everything else takes its default. */
export const BASE_CONTEXT = {
  stage: 'test',
  region: 'ap-southeast-1',
  senderAddress: 'rectify@xiaolongkan.example.gov.cn',
  senderIdentity: 'xiaolongkan.example.gov.cn',
  escalationRecipients: { 小龙坎街道: ['office@xiaolongkan.example.gov.cn'] },
  fallbackRecipients: ['district@example.gov.cn'],
  issuingOffices: { 小龙坎街道: { name: '重庆市沙坪坝区小龙坎街道办事处', court: '重庆市沙坪坝区人民法院' } },
} as const;

export interface Synthesized {
  stack: RectifyStack;
  template: Template;
  /** cdk-nag AwsSolutions and Serverless findings that nothing acknowledged. */
  nagFindings: NagFinding[];
  /** The unacknowledged findings of severity error, as `<rule> at <construct path>`. */
  nagErrors: string[];
}

interface NagFinding {
  rule: string;
  path: string;
  severity: string;
}

/** Builds the app without bundling (the code assets are not what these tests look at) and synthesizes it. */
export function synthesize(
  manifest: Manifest,
  context: Record<string, unknown> = {},
  options: Partial<RectifyAppOptions> = {},
): Synthesized {
  const { stack } = createRectifyApp({
    manifest,
    context: { ...BASE_CONTEXT, ...context },
    outdir: mkdtempSync(path.join(os.tmpdir(), 'rectify-cdk-')),
    bundle: false,
    cloudFormationValidation: false,
    // The pack runs below on the tree; registered as a plugin it would only set the process's exit code.
    nag: false,
    ...options,
  });
  const template = Template.fromStack(stack);
  const violations = [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap(
    (pack) => pack.validateScope(stack).violations,
  );
  const nagFindings = violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => ({
      rule: violation.ruleName,
      path: resource.constructPath ?? '',
      severity: violation.severity ?? 'error',
    })),
  );
  const nagErrors = nagFindings
    .filter((finding) => finding.severity === 'error')
    .map((finding) => `${finding.rule} at ${finding.path}`);
  return { stack, template, nagFindings, nagErrors };
}

export function logicalId(resource: CfnResource): string {
  return Stack.of(resource).resolve(resource.logicalId) as string;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Permission {
  action: string;
  /** The resource as CloudFormation JSON text. */
  resource: string;
  condition?: string;
}

interface PolicyStatementJson {
  Effect: string;
  Action: string | string[];
  Resource: Json | Json[];
  Condition?: Json;
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/**
 * Every (action, resource, condition) an IAM role is allowed, from all policies attached to it, so that
 * merged or split statements compare equal.
 */
export function permissionsOf(template: Template, roleLogicalId: string): Permission[] {
  const resources = template.toJSON().Resources as Record<
    string,
    { Type: string; Properties: Record<string, unknown> }
  >;
  const statements: PolicyStatementJson[] = [];
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = (resource.Properties.Roles ?? []) as unknown[];
    if (!roles.some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId }))) continue;
    const document = resource.Properties.PolicyDocument as { Statement: PolicyStatementJson[] };
    statements.push(...document.Statement);
  }
  const role = resources[roleLogicalId];
  for (const inline of (role?.Properties.Policies ?? []) as {
    PolicyDocument: { Statement: PolicyStatementJson[] };
  }[]) {
    statements.push(...inline.PolicyDocument.Statement);
  }
  return statements.flatMap((statement) => {
    if (statement.Effect !== 'Allow') throw new Error(`unexpected ${statement.Effect} statement on ${roleLogicalId}`);
    return asArray(statement.Action).flatMap((action) =>
      asArray(statement.Resource).map((resource) => ({
        action,
        resource: JSON.stringify(resource),
        ...(statement.Condition ? { condition: JSON.stringify(statement.Condition) } : {}),
      })),
    );
  });
}

export function sortPermissions(permissions: Permission[]): Permission[] {
  const key = (p: Permission) => `${p.action}|${p.resource}|${p.condition ?? ''}`;
  return [...permissions].sort((a, b) => key(a).localeCompare(key(b)));
}

export const getAtt = (id: string, attribute = 'Arn'): Json => ({ 'Fn::GetAtt': [id, attribute] });
export const ref = (id: string): Json => ({ Ref: id });

/** `arn:<partition>:<service>:<region>:<account>:<rest>` as CDK's formatArn renders it: the region is the configured one. */
export function formattedArn(service: string, rest: Json[]): Json {
  return {
    'Fn::Join': [
      '',
      ['arn:', ref('AWS::Partition'), `:${service}:${BASE_CONTEXT.region}:`, ref('AWS::AccountId'), ...rest],
    ],
  };
}

export function resourcesOfType(template: Template, type: string): [string, { Properties: Record<string, Json> }][] {
  return Object.entries(template.findResources(type)) as [string, { Properties: Record<string, Json> }][];
}

/** `Template.hasResourceProperties`, named so the linter counts it as an assertion. */
export function assertResourceProperties(template: Template, type: string, props: unknown): void {
  template.hasResourceProperties(type, props);
}

export function assertResource(template: Template, type: string, props: unknown): void {
  template.hasResource(type, props);
}
