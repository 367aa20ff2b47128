// `npm run api-keys -- <command>`: creates, lists and revokes API keys in the service's database:
// DATABASE_URL when it is set, else the embedded PostgreSQL of a running `npm start` (127.0.0.1 at
// EMBEDDED_POSTGRES_PORT), so give it the same environment as `npm start`.
//
//   create --role <role> [--role <role>...] --name <name> [--csm <csm id>]
//       prints the new key alone on the last line of stdout (scripts take that line);
//   list
//       a table of every key: prefix, name, roles, csm, created, revoked, last used;
//   revoke <prefix>
//       revokes the key with that prefix (again: nothing changes).
//
// Exit codes: 0 done, 1 the database failed or has no api_keys table, 2 bad arguments.
// It does not migrate: the schema belongs to `npm start` (or `npm run migrate`).
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { loadSettings } from '../config/settings';
import { PRINCIPAL_ROLES } from '../domain/principal-roles';
import { databaseUrlOf } from '../infra/embedded-database';
import { ApiKeyInputError, type ApiKeySummary, ApiKeyStore } from '../persistence/api-key-store';
import { dataSourceOptions } from '../persistence/data-source';

const USAGE = `usage:
  npm run api-keys -- create --role <role> [--role <role>...] --name <name> [--csm <csm id>]
  npm run api-keys -- list
  npm run api-keys -- revoke <prefix>
roles: ${PRINCIPAL_ROLES.join(', ')}
database: DATABASE_URL, else the embedded PostgreSQL of npm start (EMBEDDED_POSTGRES_PORT, default 5433)`;

/** Bad arguments: exit code 2, with the message and the usage on stderr. */
class UsageError extends Error {}

type Command =
  | { command: 'create'; name: string; roles: string[]; csmId?: string }
  | { command: 'list' }
  | { command: 'revoke'; prefix: string }
  | { command: 'help' };

export function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        role: { type: 'string', multiple: true },
        name: { type: 'string' },
        csm: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    // parseArgs names the option: "Unknown option '--rol'", "Option '--name <value>' argument missing";
    // its hint about positionals that start with '-' is noise here.
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  const [command, ...rest] = positionals;
  const onlyFor = (allowed: string[]) => {
    const given = (['role', 'name', 'csm'] as const).filter((o) => values[o] !== undefined && !allowed.includes(o));
    if (given.length) throw new UsageError(`${command} takes no ${given.map((o) => `--${o}`).join(', ')}`);
  };
  switch (command) {
    case 'create':
      if (rest.length) throw new UsageError(`create takes no positional arguments, got '${rest.join(' ')}'`);
      if (!values.role?.length) throw new UsageError(`create needs --role (one of ${PRINCIPAL_ROLES.join(', ')})`);
      if (values.name === undefined) throw new UsageError('create needs --name <name> (who or what uses the key)');
      return {
        command,
        roles: values.role,
        name: values.name,
        ...(values.csm !== undefined ? { csmId: values.csm } : {}),
      };
    case 'list':
      onlyFor([]);
      if (rest.length) throw new UsageError(`list takes no arguments, got '${rest.join(' ')}'`);
      return { command };
    case 'revoke':
      onlyFor([]);
      if (rest.length !== 1)
        throw new UsageError(`revoke takes exactly one key prefix (as list shows it), got ${rest.length}`);
      return { command, prefix: rest[0] };
    case undefined:
      throw new UsageError('name a command: create, list or revoke');
    default:
      throw new UsageError(`unknown command '${command}': use create, list or revoke`);
  }
}

async function main(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (err) {
    if (err instanceof UsageError) return usageError(err.message);
    throw err;
  }
  if (command.command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const settings = loadSettings();
  const url = databaseUrlOf(settings);
  const where = settings.databaseUrl
    ? 'DATABASE_URL'
    : `the embedded PostgreSQL on 127.0.0.1:${settings.embeddedPostgresPort} (DATA_DIR ${settings.dataDir})`;
  const dataSource = new DataSource(dataSourceOptions(url));
  try {
    await dataSource.initialize();
  } catch (err) {
    process.stderr.write(
      `api-keys: cannot connect to ${where}: ${(err as Error).message}\n` +
        (settings.databaseUrl
          ? ''
          : 'Is npm start running with the same DATA_DIR and EMBEDDED_POSTGRES_PORT? (Or set DATABASE_URL.)\n'),
    );
    return 1;
  }
  try {
    const [{ present }] = await dataSource.query(`SELECT to_regclass('api_keys') IS NOT NULL AS present`);
    if (!present) {
      process.stderr.write(
        `api-keys: ${where} has no api_keys table yet: run npm start (it migrates), or npm run migrate with DATABASE_URL, first\n`,
      );
      return 1;
    }
    const store = new ApiKeyStore(dataSource);
    switch (command.command) {
      case 'create': {
        const { key, summary } = await store.create(command);
        process.stderr.write(
          `created API key ${summary.prefix} '${summary.name}' (roles ${summary.roles.join(', ')}` +
            `${summary.csmId ? `, CSM ${summary.csmId}` : ''}). The key is shown only now, on the next line: keep it secret.\n`,
        );
        // Alone and last on stdout: `... | tail -n 1` gets it.
        process.stdout.write(`${key}\n`);
        return 0;
      }
      case 'list':
        process.stdout.write(table(await store.list()));
        return 0;
      case 'revoke': {
        const { summary, alreadyRevoked } = await store.revoke(command.prefix);
        process.stdout.write(
          alreadyRevoked
            ? `${summary.prefix} '${summary.name}' was already revoked at ${iso(summary.revokedAt)}\n`
            : `revoked ${summary.prefix} '${summary.name}' (a running API stops accepting it within 30 s)\n`,
        );
        return 0;
      }
    }
  } catch (err) {
    if (err instanceof ApiKeyInputError) return usageError(err.message, false);
    throw err;
  } finally {
    await dataSource.destroy();
  }
}

function usageError(message: string, withUsage = true): number {
  process.stderr.write(`api-keys: ${message}\n${withUsage ? `${USAGE}\n` : ''}`);
  return 2;
}

const iso = (d?: Date) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

function table(keys: ApiKeySummary[]): string {
  const header = ['PREFIX', 'NAME', 'ROLES', 'CSM', 'CREATED', 'REVOKED', 'LAST USED'];
  const rows = keys.map((k) => [
    k.prefix,
    k.name,
    k.roles.join(','),
    k.csmId ?? '-',
    iso(k.createdAt),
    iso(k.revokedAt),
    iso(k.lastUsedAt),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line), ...(rows.length ? [] : ['(no API keys)'])].join('\n') + '\n';
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`api-keys: ${(err as Error)?.message ?? err}\n`);
      process.exit(1);
    },
  );
}
