import path from 'node:path';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Charset, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const LOCK_FILE = path.join(PROJECT_ROOT, 'package-lock.json');

/**
 * Credential sources the SDK's default chain imports only when a Lambda has no credentials in its
 * environment — which never happens: Lambda always sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN, and the chain stops at them. Left out of the bundle they cost nothing (they are
 * `import()`ed lazily, and the runtime ships them should one ever be reached); bundled they add about
 * 110 KB to every function and to every cold start's parse.
 */
const UNREACHABLE_CREDENTIAL_SOURCES = [
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@smithy/credential-provider-imds',
  '@aws-sdk/nested-clients',
];

/**
 * How every handler is bundled: one minified CommonJS file with the AWS SDK clients inside it (the
 * version we test against, not whatever the runtime ships), ESM entry points preferred so esbuild can
 * drop what a handler never imports, and Chinese text kept as UTF-8 rather than escaped.
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
  externalModules: UNREACHABLE_CREDENTIAL_SOURCES,
  charset: Charset.UTF8,
  forceDockerBundling: false,
};

/** Source maps are only read when Node is told to; the cost is paid on a stack trace, not per request. */
export const NODE_OPTIONS = '--enable-source-maps';
