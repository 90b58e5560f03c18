const { existsSync } = require('node:fs');
const path = require('node:path');

/**
 * Two tiers, one list. `unit` needs nothing running — no DynamoDB Local (so no Java), no browser, no local
 * stack — and no CDK synthesis or bundling: `npm run test:unit` runs it in seconds, for the inner loop.
 * `integration` is every other test file, with one DynamoDB Local for the run. `npm test` runs both.
 * A new test file is in `integration` unless it is listed here.
 */
const UNIT_TESTS = [
  'test/app/action-specs.test.ts',
  'test/app/export-formats.test.ts',
  'test/cli/import-rows.test.ts',
  'test/cli/survey-file.test.ts',
  'test/console/i18n.test.ts',
  'test/bench/documents-figures.test.ts',
  'test/documents/render.test.ts',
  'test/domain/chain.test.ts',
  'test/domain/deadlines.test.ts',
  'test/domain/lifecycle.test.ts',
  'test/domain/schemas.test.ts',
  'test/domain/work-summary.test.ts',
  'test/infra/lambda-context.test.ts',
  'test/infra/aliases.test.ts',
  'test/infra/manifest.test.ts',
  'test/local/sweep-loop.test.ts',
  'test/mail/ses-local.test.ts',
  'test/mail/templates.test.ts',
  'test/workflow/asl.test.ts',
  'test/workflow/aws-engine.test.ts',
  'test/workflow/deps-from-env.test.ts',
  'test/workflow/procedure.test.ts',
];
for (const file of UNIT_TESTS)
  if (!existsSync(path.join(__dirname, file)))
    throw new Error(`jest.config.js lists a unit test that does not exist: ${file}`);

/**
 * What the unit tier cannot have: importing a helper that reaches DynamoDB Local, the local stack or the
 * browser fails the test file at once, naming the tier to move it to, instead of hanging or skipping.
 */
const LOCAL_PARTS_GUARD = Object.fromEntries(
  [
    '(^|/)support/table$',
    '(^|/)support/objects$',
    '(^|/)e2e/support$',
    '(^|/)console/browser$',
    '(^|/)local/dynamodb-local$',
    '(^|/)local/stack$',
  ].map((pattern) => [pattern, '<rootDir>/test/support/unit-tier-guard.ts']),
);

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
};

/** @type {import('jest').Config} */
module.exports = {
  maxWorkers: 2,
  // A global option: Jest ignores it inside a project.
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: UNIT_TESTS.map((file) => `<rootDir>/${file}`),
      setupFiles: ['<rootDir>/test/support/unit-env.ts'],
      moduleNameMapper: LOCAL_PARTS_GUARD,
    },
    {
      ...common,
      displayName: 'integration',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...UNIT_TESTS.map((file) => `<rootDir>/${file}`)],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFiles: ['<rootDir>/test/support/env.ts'],
    },
  ],
};
