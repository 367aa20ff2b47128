/**
 * `npm run test:cluster`: the service on a real Temporal cluster (test/cluster). Not part of
 * `npm test`: it builds the Temporal server from its Go module once (minutes) and starts four
 * server processes, two workers and the API. Its global setup starts only PostgreSQL; the test
 * file starts the rest.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  globalSetup: '<rootDir>/test/cluster/global-setup.ts',
  globalTeardown: '<rootDir>/test/cluster/global-teardown.ts',
  testTimeout: 300_000,
  reporters: ['default', '<rootDir>/test/support/closing-line-reporter.js'],
};
