import path from 'node:path';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Charset, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const LOCK_FILE = path.join(PROJECT_ROOT, 'package-lock.json');

/**
 * How every handler is bundled: one minified CommonJS file with the AWS SDK inside it (the version we
 * test against, not whatever the runtime ships), ESM entry points preferred so esbuild can drop what a
 * handler never imports, and Chinese text kept as UTF-8 rather than escaped.
 */
export const BUNDLING: BundlingOptions = {
  minify: true,
  sourceMap: true,
  // Stack traces map to file and line without shipping the sources themselves.
  sourcesContent: false,
  target: 'node22',
  format: OutputFormat.CJS,
  mainFields: ['module', 'main'],
  bundleAwsSDK: true,
  externalModules: [],
  charset: Charset.UTF8,
  forceDockerBundling: false,
};

/** Source maps are only read when Node is told to; the cost is paid on a stack trace, not per request. */
export const NODE_OPTIONS = '--enable-source-maps';
