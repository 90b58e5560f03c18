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
  // The map is deployed beside the bundle (index.js.map, without the sources themselves), and Node is not
  // told to read it (no `--enable-source-maps`): with it, loading a bundle also reads its map and measures
  // every line of the bundle in JavaScript: 10–13 % of the instructions of loading a bundle, in proportion to
  // its size (a map trimmed to Rectify's own files saved only a third of that). A stack trace goes
  // only to the function's log, never into a case's history or an email; an operator maps its
  // `index.js:line:column` frames with the deployed map (`npm run map-stack-trace`, docs/deploy.md).
  sourceMap: true,
  sourcesContent: false,
  target: 'node22',
  format: OutputFormat.CJS,
  mainFields: ['module', 'main'],
  bundleAwsSDK: true,
  externalModules: UNREACHABLE_CREDENTIAL_SOURCES,
  charset: Charset.UTF8,
  forceDockerBundling: false,
};
