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

it('serves the worker metrics only at an address given as IP and port', () => {
  expect(loadSettings({}).workerMetricsAddress).toBeUndefined();
  expect(loadSettings({ WORKER_METRICS_ADDRESS: '127.0.0.1:9464' }).workerMetricsAddress).toBe('127.0.0.1:9464');
  expect(loadSettings({ WORKER_METRICS_ADDRESS: '[::1]:9464' }).workerMetricsAddress).toBe('[::1]:9464');
  for (const wrong of ['9464', 'localhost:9464', '127.0.0.1:99999', 'http://127.0.0.1:9464'])
    expect(() => loadSettings({ WORKER_METRICS_ADDRESS: wrong })).toThrow(
      `WORKER_METRICS_ADDRESS must be an IP address and port, e.g. 127.0.0.1:9464, got '${wrong}'`,
    );
});

describe('red-flag thresholds', () => {
  it('default to the seed’s 60%, 20% and 15%, and take decimal shares from the environment', () => {
    expect(loadSettings({}).redFlags).toEqual({ completionMin: 0.6, ttvOverBaseline: 0.2, stalledMax: 0.15 });
    expect(
      loadSettings({ RED_FLAG_COMPLETION_MIN: '0.5', RED_FLAG_TTV_OVER_BASELINE: '0.25', RED_FLAG_STALLED_MAX: '0.1' })
        .redFlags,
    ).toEqual({ completionMin: 0.5, ttvOverBaseline: 0.25, stalledMax: 0.1 });
  });

  it('refuses a percentage written as a whole number, and anything that is not a share', () => {
    expect(() => loadSettings({ RED_FLAG_COMPLETION_MIN: '60' })).toThrow(
      /RED_FLAG_COMPLETION_MIN must be a decimal share/,
    );
    expect(() => loadSettings({ RED_FLAG_STALLED_MAX: '-0.1' })).toThrow(/RED_FLAG_STALLED_MAX/);
    expect(() => loadSettings({ RED_FLAG_TTV_OVER_BASELINE: 'lots' })).toThrow(/RED_FLAG_TTV_OVER_BASELINE/);
  });
});

describe('OIDC', () => {
  const issuer = { OIDC_ISSUER: 'https://idp.example', OIDC_AUDIENCE: 'oo', OIDC_JWKS_URL: 'https://idp.example/jwks' };

  it('signs people in to the pages through the issuer only when a client id is set', () => {
    expect(loadSettings(issuer).oidc?.signIn).toBeUndefined();
    expect(loadSettings({ ...issuer, OIDC_CLIENT_ID: 'pages' }).oidc?.signIn).toEqual({
      clientId: 'pages',
      scopes: 'openid profile',
      authorizeParams: {},
    });
    expect(
      loadSettings({ ...issuer, OIDC_CLIENT_ID: 'pages', OIDC_CLIENT_SECRET: 's3cret', OIDC_SCOPES: 'openid api' }).oidc
        ?.signIn,
    ).toEqual({ clientId: 'pages', clientSecret: 's3cret', scopes: 'openid api', authorizeParams: {} });
    // What some issuers need to issue a token for this API.
    expect(
      loadSettings({
        ...issuer,
        OIDC_CLIENT_ID: 'pages',
        OIDC_AUTHORIZE_PARAMS: 'audience=https%3A%2F%2Fapi&prompt=login',
      }).oidc?.signIn?.authorizeParams,
    ).toEqual({ audience: 'https://api', prompt: 'login' });
  });

  it('refuses scopes without openid, and parameters the sign-in sets itself', () => {
    expect(() => loadSettings({ ...issuer, OIDC_CLIENT_ID: 'pages', OIDC_SCOPES: 'profile' })).toThrow(
      "OIDC_SCOPES must include openid, got 'profile'",
    );
    expect(() =>
      loadSettings({ ...issuer, OIDC_CLIENT_ID: 'pages', OIDC_AUTHORIZE_PARAMS: 'state=fixed&redirect_uri=x' }),
    ).toThrow('OIDC_AUTHORIZE_PARAMS may not set state, redirect_uri: the sign-in sets them');
  });

  it('refuses a client id without an issuer', () => {
    expect(() => loadSettings({ OIDC_CLIENT_ID: 'pages' })).toThrow(/OIDC_CLIENT_ID need OIDC_ISSUER/);
  });
});
