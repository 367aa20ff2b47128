/**
 * One jest run starts the real servers once (Temporal dev server, time-skipping test server,
 * PostgreSQL) in globalSetup and stops them in globalTeardown: on a 2-core machine, starting
 * them per file is slow and flaky. Tests run in band for the same reason.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The cluster tests and the fault suite run on their own (npm run test:cluster, npm run test:faults).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/', '<rootDir>/test/faults/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: ['<rootDir>/test/support/quiet-temporal-logs.ts'],
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/support/closing-line-reporter.js'],
};
