/**
 * The layers of README's "How it is built", enforced: each rule names what a layer may not import.
 * `npm run lint` runs it; a new violation fails the build with the rule's name and the import.
 */
const fn = (layer) => `^functions/${layer}/`;
const OUTSIDE_FUNCTIONS = '^(infra|test|bench|scripts|cli|console)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'An import cycle hides which module is the lower layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-imports-nothing-of-ours',
      severity: 'error',
      comment: 'The procedure in plain TypeScript: no store, no AWS, no adapters.',
      from: { path: fn('domain') },
      to: { path: '^(functions|infra|workflows|cli|scripts|console|test|bench)/', pathNot: fn('domain') },
    },
    {
      name: 'domain-has-no-aws',
      severity: 'error',
      from: { path: fn('domain') },
      to: { path: '(^|/)node_modules/(@aws-sdk|@aws-lambda-powertools|@smithy|aws-cdk-lib|aws-lambda)/' },
    },
    {
      name: 'shared-imports-only-domain',
      severity: 'error',
      comment: 'Small helpers every adapter uses: they may read the domain, nothing above it.',
      from: { path: fn('shared') },
      to: {
        path: '^(functions|infra|workflows|cli|scripts|console|test|bench)/',
        pathNot: `${fn('shared')}|${fn('domain')}`,
      },
    },
    {
      name: 'store-imports-only-domain',
      severity: 'error',
      comment: 'The table knows the domain and its own keys; services and adapters sit above it.',
      from: { path: fn('store') },
      to: {
        path: '^(functions|infra|workflows|cli|scripts|console|test|bench)/',
        pathNot: `${fn('store')}|${fn('domain')}|${fn('shared')}`,
      },
    },
    {
      name: 'objects-imports-only-shared',
      comment: 'The object store port and its S3 adapter: below the services, beside the store.',
      from: { path: fn('objects') },
      to: {
        path: '^(functions|infra|workflows|cli|scripts|console|test|bench)/',
        pathNot: `${fn('objects')}|${fn('shared')}|${fn('domain')}`,
      },
    },
    {
      name: 'app-imports-no-adapter',
      severity: 'error',
      comment:
        'Services see the domain, the store and the ports (workflow/engine, mail/mailer); never a Lambda entry, a route or the local stack.',
      from: { path: fn('app') },
      to: { path: `${fn('(api|tasks|checks|local)')}|${OUTSIDE_FUNCTIONS}` },
    },
    {
      name: 'production-imports-no-local-stack',
      severity: 'error',
      comment: 'functions/local runs the stack on a laptop; nothing deployed may depend on it.',
      from: { path: '^functions/', pathNot: fn('local') },
      to: { path: fn('local') },
    },
    {
      name: 'functions-import-no-infra-or-tests',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: OUTSIDE_FUNCTIONS },
    },
    {
      name: 'console-imports-only-domain',
      severity: 'error',
      comment: 'The browser bundle may share the domain (schemas, vocabulary), nothing with AWS in it.',
      from: { path: '^console/' },
      to: { path: '^(functions|infra|workflows|cli|scripts|test|bench)/', pathNot: fn('domain') },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|cdk\\.out|data|dist|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
