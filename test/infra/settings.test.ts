import { loadSettings } from '../../src/config/settings';

it('runs embedded servers when no DATABASE_URL or TEMPORAL_ADDRESS is set', () => {
  const s = loadSettings({});
  expect(s).toMatchObject({
    apiPort: 3000,
    databaseUrl: undefined,
    temporalAddress: undefined,
    taskQueue: 'onboarding',
  });
});

it('uses the configured servers when given', () => {
  const s = loadSettings({
    DATABASE_URL: 'postgres://db/x',
    TEMPORAL_ADDRESS: 'temporal:7233',
    TEMPORAL_NAMESPACE: 'cs',
    PORT: '8080',
  });
  expect(s).toMatchObject({
    databaseUrl: 'postgres://db/x',
    temporalAddress: 'temporal:7233',
    temporalNamespace: 'cs',
    apiPort: 8080,
  });
});

it('names the variable when a value is wrong', () => {
  expect(() => loadSettings({ PORT: 'eighty' })).toThrow("PORT must be a non-negative integer, got 'eighty'");
  expect(() => loadSettings({ EMBEDDED_POSTGRES_PORT: '70000' })).toThrow(/EMBEDDED_POSTGRES_PORT must be a TCP port/);
});

it('listens on this machine only and logs at info unless told otherwise', () => {
  expect(loadSettings({})).toMatchObject({ host: '127.0.0.1', logLevel: 'info', workerShutdownGraceMs: 5_000 });
  expect(loadSettings({ HOST: '0.0.0.0', LOG_LEVEL: 'DEBUG', WORKER_SHUTDOWN_GRACE_MS: '0' })).toMatchObject({
    host: '0.0.0.0',
    logLevel: 'debug',
    workerShutdownGraceMs: 0,
  });
  expect(() => loadSettings({ LOG_LEVEL: 'verbose' })).toThrow(
    "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'verbose'",
  );
});

it('bounds the API’s waits for its dependencies and keeps idempotency keys for a day, unless configured', () => {
  expect(loadSettings({})).toMatchObject({ apiDependencyTimeoutMs: 10_000, idempotencyTtlHours: 24 });
  expect(loadSettings({ API_DEPENDENCY_TIMEOUT_MS: '2500', IDEMPOTENCY_TTL_HOURS: '48' })).toMatchObject({
    apiDependencyTimeoutMs: 2_500,
    idempotencyTtlHours: 48,
  });
  // Zero would mean no deadline, or keys forgotten at once.
  expect(() => loadSettings({ API_DEPENDENCY_TIMEOUT_MS: '0' })).toThrow(
    "API_DEPENDENCY_TIMEOUT_MS must be a positive integer, got '0'",
  );
  expect(() => loadSettings({ IDEMPOTENCY_TTL_HOURS: 'a day' })).toThrow(
    /IDEMPOTENCY_TTL_HOURS must be a non-negative integer/,
  );
});
