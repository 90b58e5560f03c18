import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { PROJECT_ROOT } from './bundling';
import type { RectifyConfig } from './config';
import { readConfig } from './config';
import { MANIFEST } from './manifest';
import type { Manifest } from './manifest-types';
import { RectifyStack } from './stack';

export interface RectifyAppOptions {
  /** Context on top of cdk.json's (tests; the CLI passes its own through the environment). */
  context?: Record<string, unknown>;
  manifest?: Manifest;
  outdir?: string;
  /** Bundle the handlers with esbuild (synth and deploy); tests skip it. Default: true. */
  bundle?: boolean;
  /** CloudFormation's own template validation during synth. Default: true. */
  cloudFormationValidation?: boolean;
  /** Register cdk-nag's AwsSolutions and Serverless checks so a finding fails the synth. Default: true. */
  nag?: boolean;
  /** Acknowledge the accepted findings; off only to show that each acknowledgement is needed. Default: true. */
  acknowledgeNagFindings?: boolean;
}

/** cdk.json's context, which the CDK CLI would otherwise be the only one to read. */
export function cdkJsonContext(): Record<string, unknown> {
  const file = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return file.context ?? {};
}

function stackNameFor(config: RectifyConfig): string {
  return `Rectify-${config.stage}`;
}

/** The Rectify CDK app: one stack per stage, checked by cdk-nag. */
export function createRectifyApp(options: RectifyAppOptions = {}): {
  app: App;
  stack: RectifyStack;
  config: RectifyConfig;
} {
  const launchedByCli = process.env.CDK_CONTEXT_JSON !== undefined || process.env.CDK_OUTDIR !== undefined;
  const app = new App({
    outdir: options.outdir,
    context: {
      ...(launchedByCli ? {} : cdkJsonContext()),
      ...options.context,
      ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}),
    },
    builtinCloudFormationValidation: options.cloudFormationValidation ?? true,
  });
  const config = readConfig(app.node);
  const stack = new RectifyStack(app, stackNameFor(config), {
    config,
    manifest: options.manifest ?? MANIFEST,
    acknowledgeNagFindings: options.acknowledgeNagFindings,
    description: `Rectify (${config.stage}): illegal-construction cases from report to close`,
    // The region is the configuration's, never the shell's: a deploy cannot land where SES or Cognito is missing.
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: config.region },
    tags: { application: 'rectify', stage: config.stage },
  });
  if (options.nag ?? true)
    Validations.of(app).addPlugins(
      new AwsSolutionsChecks(app, { verbose: true }),
      new ServerlessChecks(app, { verbose: true }),
    );
  return { app, stack, config };
}
