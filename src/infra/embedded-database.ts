/**
 * Where the embedded PostgreSQL of `npm start` is, for the stack itself and for tools that run
 * beside it (`npm run api-keys`): same user, password and database, on 127.0.0.1 at
 * EMBEDDED_POSTGRES_PORT. No imports, so a tool can use it without loading the server code.
 */
export const EMBEDDED_POSTGRES_USER = 'onboarding';
export const EMBEDDED_POSTGRES_PASSWORD = 'onboarding';
/** The database `npm start` creates and migrates. */
export const EMBEDDED_DATABASE = 'onboarding';

export function embeddedDatabaseUrl(port: number, database: string = EMBEDDED_DATABASE): string {
  return `postgres://${EMBEDDED_POSTGRES_USER}:${EMBEDDED_POSTGRES_PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** DATABASE_URL when it is set, else the embedded PostgreSQL that `npm start` runs. */
export function databaseUrlOf(settings: { databaseUrl?: string; embeddedPostgresPort: number }): string {
  return settings.databaseUrl ?? embeddedDatabaseUrl(settings.embeddedPostgresPort);
}
