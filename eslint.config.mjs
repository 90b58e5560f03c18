import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import jest from 'eslint-plugin-jest';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'data/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'smart'],
      // A package's internals (lib/, dist/, src/) change in any release: import what it exports.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(@[^/]+/)?[^./@#][^/]*/(lib|dist|src|build|cjs|esm)(/|$)',
              message: "Deep import into a package's internals: use its public entry point.",
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='_zod']",
          message: "zod's `_zod` is internal: read a schema through its public API (`.def`, `z.toJSONSchema`).",
        },
      ],
    },
  },
  {
    // chinese-days documents dist/chinese-days.json as its data file (README: "For non-JS projects, you can use
    // the JSON file"); its functions give the same data only by querying day by day (about 0.7 s per cold start).
    files: ['functions/domain/china-calendar.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // nodemailer publishes its MIME composer as the entry point `nodemailer/lib/mail-composer` (package.json
    // exports); the mailer builds messages with it and needs none of nodemailer's transports.
    files: ['functions/mail/ses-transport.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The local stack's mailbox survives a restart by saving and restoring aws-ses-v2-local's store, which the
    // package exposes only as dist/store; replaying each email through SendRawEmail would give it a new id and time.
    // Its test fills that store directly with a long run's worth of emails. SendRawEmail is answered beside the
    // library (its own answer drops the message's headers), with the library's id and time helpers (dist/util).
    files: ['functions/local/ses-local.ts', 'test/local/mailbox-persistence.test.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    ...jest.configs['flat/recommended'],
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'assert*'] }],
      'jest/valid-title': 'error',
    },
  },
);
