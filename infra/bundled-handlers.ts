import { statSync } from 'node:fs';
import path from 'node:path';
import type { CfnResource } from 'aws-cdk-lib';
import { MANIFEST } from './manifest';
import type { FunctionSpec } from './manifest-types';
import { offlineEnvironment } from './offline-environment';
import { createRectifyApp } from './rectify-app';

export interface BundledHandler {
  id: string;
  /** What the function is (`probe` for a part bundled alone to measure it). */
  kind: FunctionSpec['kind'] | 'probe';
  file: string;
  bytes: number;
  environment: Record<string, string>;
}

/** Synthesizes the real app with bundling on: the handler bundles are exactly the ones CDK would deploy. */
export function bundleEveryHandler(outdir: string): BundledHandler[] {
  const { app, stack } = createRectifyApp({
    outdir,
    nag: false,
    cloudFormationValidation: false,
    // The CLI asks for this; without it the template does not say which asset folder is whose.
    context: { 'aws:cdk:enable-asset-metadata': true },
  });
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template as {
    Resources: Record<
      string,
      { Type: string; Metadata?: Record<string, string>; Properties?: Record<string, unknown> }
    >;
  };
  const kinds = new Map(MANIFEST.functions.map((spec) => [spec.id, spec.kind]));
  return [...stack.functions.entries()].map(([id, handler]) => {
    const logicalId = stack.resolve((handler.function.node.defaultChild as CfnResource).logicalId) as string;
    const assetPath = template.Resources[logicalId]?.Metadata?.['aws:asset:path'];
    if (!assetPath) throw new Error(`${id}: no bundled asset in the template`);
    const file = path.join(outdir, assetPath, 'index.js');
    const kind = kinds.get(id);
    if (!kind) throw new Error(`${id}: not in the manifest`);
    return { id, kind, file, bytes: statSync(file).size, environment: offlineEnvironment(template, logicalId) };
  });
}
