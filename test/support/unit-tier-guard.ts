/**
 * Stands in, in the unit tier, for every helper that reaches DynamoDB Local, the local stack or a browser
 * (jest.config.js maps them here): a unit test file that imports one fails at once, saying where it belongs.
 */
throw new Error(
  'This test file needs local parts (DynamoDB Local, the local stack or a browser), which the unit tier does not start: ' +
    'remove it from UNIT_TESTS in jest.config.js so that it runs in the integration tier.',
);
