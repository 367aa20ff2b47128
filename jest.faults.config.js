/**
 * `npm run test:faults`: the fault suite (test/faults) alone; `npm test` runs it as a second jest
 * project after the rest. It kills, stops and restarts real processes (the worker, the API,
 * PostgreSQL, the Temporal dev server) and takes minutes. Each test file starts its own stack;
 * global setup only makes the run's folder, and global teardown prints each scenario's summary.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  globalSetup: '<rootDir>/test/faults/global-setup.ts',
  globalTeardown: '<rootDir>/test/faults/global-teardown.ts',
  testTimeout: 900_000,
  setupFilesAfterEnv: ['<rootDir>/test/faults/long-tests.ts'],
  reporters: ['default', '<rootDir>/test/support/closing-line-reporter.js'],
};
