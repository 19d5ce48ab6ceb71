module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // Tests may assert through named helpers (expectReadFailure in src/cli/main.failures.test.ts).
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', 'expectReadFailure'] },
    ],
  },
});
