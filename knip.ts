import type { KnipConfig } from 'knip';
import { MANIFEST } from '#infra/manifest';

/**
 * What counts as used: whatever an entry point reaches. The Lambda entries are the manifest's own list,
 * so a function declared there is an entry here with nothing else to edit.
 */
const config: KnipConfig = {
  entry: [
    ...MANIFEST.functions.map((fn) => fn.entry),
    'infra/app.ts',
    // Injected into (or aliased in) every Lambda bundle by path (infra/bundling.ts).
    'infra/import-meta-url.ts',
    'infra/brotli-decompress.ts',
    'scripts/*.{ts,js}',
    // package.json's scripts and bin (the CLI, the bench) are entries without being listed.
    'console/src/main.tsx',
    'console/vite.config.mts',
    'test/**/*.test.ts',
    'test/support/*.ts',
    // The local S3 server's own process (functions/local/s3-local.ts starts it by path).
    'functions/local/s3rver-process.cjs',
    // Programs the tests start in a child process (tsx <file>) or bundle by path.
    'test/**/fixtures/**/*.ts',
  ],
  project: [
    'functions/**/*.{ts,cjs}',
    'infra/**/*.ts',
    'scripts/**/*.{ts,js}',
    'cli/**/*.ts',
    'bench/**/*.ts',
    'test/**/*.ts',
    'console/src/**/*.{ts,tsx}',
  ],
  // Generated from the OpenAPI document (npm run console:api-types); its unused parts are the API's, not dead code.
  ignore: ['console/src/api/schema.d.ts'],
  // The OpenAPI test runs node_modules/.bin/redocly by path.
  ignoreDependencies: [
    '@redocly/cli',
    // scripts/document-font.ts reads the font file out of the package by path.
    '@expo-google-fonts/noto-sans-sc',
  ],
  // The document tests read PDFs with poppler-utils, a system package (.ci/run installs it).
  // The digest test checks a signature as an auditor would, with openssl (Debian's openssl package).
  ignoreBinaries: ['pdftotext', 'pdftoppm', 'pdffonts', 'openssl'],
};

export default config;
