import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { Client as PgClient } from 'pg';
import { freePort } from './free-port';
import { ensureSearchAttributes } from './search-attribute-registry';
import { logTail, type ServerProcess, spawnServer } from './server-process';
import { findProjectRoot } from './temporal-binaries';

/**
 * A production-shaped Temporal cluster on this machine: the real server (built from its Go
 * module by scripts/install-temporal-server.js, not the dev server), PostgreSQL persistence and
 * visibility, and its four services (frontend, history, matching, worker) each in a process of
 * its own, finding each other through the membership table in PostgreSQL, as they do on
 * separate hosts. The schemas are set up with Temporal's own SQL tool from the module's
 * schema/postgresql/v12 files. For `npm run test:cluster`; docker-compose.yml is the same
 * topology in containers.
 */
export const TEMPORAL_SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

export const TEMPORAL_SERVER_DIR = path.join(findProjectRoot(__dirname), '.tools', 'temporal-server');

export interface ClusterPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface TemporalClusterOptions {
  /** Config, logs: one folder per cluster. */
  workDir: string;
  postgres: ClusterPostgres;
  /** Default: the binaries and schemas in .tools/temporal-server. */
  serverDir?: string;
  namespace?: string;
  /** Small: one machine. Fixed for a cluster's life (it is in the database). */
  numHistoryShards?: number;
  log?: (line: string) => void;
}

export interface TemporalClusterHandle {
  /** The frontend's gRPC address, host:port: TEMPORAL_ADDRESS for the workers and the API. */
  address: string;
  namespace: string;
  databases: { persistence: string; visibility: string };
  services: Record<TemporalService, ServerProcess>;
  stop(): Promise<void>;
}

const execFileAsync = promisify(execFile);
const STOP_SIGNAL = 'SIGTERM';
const STOP_GRACE_MS = 20_000;

export async function startTemporalCluster(opts: TemporalClusterOptions): Promise<TemporalClusterHandle> {
  const serverDir = opts.serverDir ?? TEMPORAL_SERVER_DIR;
  const binary = (name: string) => {
    const file = path.join(serverDir, 'bin', name);
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run node scripts/install-temporal-server.js`);
    return file;
  };
  const server = binary('temporal-server');
  const sqlTool = binary('temporal-sql-tool');
  const namespace = opts.namespace ?? 'default';
  const databases = { persistence: 'temporal', visibility: 'temporal_visibility' };
  fs.mkdirSync(opts.workDir, { recursive: true });

  for (const [store, database] of Object.entries(databases)) {
    const schema = path.join(serverDir, 'schema', 'postgresql', 'v12', store === 'persistence' ? 'temporal' : store);
    await setUpSchema(sqlTool, opts.postgres, database, schema, opts.log);
  }

  const ports = await servicePorts();
  const configFile = path.join(opts.workDir, 'temporal-server.yaml');
  const dynamicConfigFile = path.join(opts.workDir, 'dynamicconfig.yaml');
  fs.writeFileSync(
    configFile,
    JSON.stringify(
      clusterConfig(opts.postgres, databases, ports, opts.numHistoryShards ?? 4, dynamicConfigFile),
      null,
      2,
    ),
  );
  fs.writeFileSync(dynamicConfigFile, DYNAMIC_CONFIG);

  const services = {} as Record<TemporalService, ServerProcess>;
  const stop = async () => {
    // Clients first, the stores they write to last.
    for (const name of [...TEMPORAL_SERVICES].reverse()) await services[name]?.stop(STOP_SIGNAL, STOP_GRACE_MS);
  };
  const address = `127.0.0.1:${ports.frontend.grpc}`;
  try {
    for (const name of TEMPORAL_SERVICES) {
      services[name] = spawnServer({
        command: server,
        args: ['--config-file', configFile, '--allow-no-auth', 'start', '--service', name],
        logFile: path.join(opts.workDir, `temporal-${name}.log`),
        ownProcessGroup: true,
        stopSignal: STOP_SIGNAL,
      });
    }
    const connection = await connectWhenServing(address, services);
    try {
      await registerNamespace(connection, namespace);
      const added = await ensureSearchAttributes(connection, namespace);
      opts.log?.(`cluster: namespace '${namespace}' with search attributes ${added.join(', ') || '(already there)'}`);
    } finally {
      await connection.close();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  opts.log?.(
    `cluster: frontend on ${address}, services ${TEMPORAL_SERVICES.map((s) => `${s} (pid ${services[s].pid})`).join(', ')}`,
  );
  return { address, namespace, databases, services, stop };
}

/** Creates the database if missing, then brings its schema to the newest version the module ships. */
async function setUpSchema(
  sqlTool: string,
  pg: ClusterPostgres,
  database: string,
  schemaDir: string,
  log?: (line: string) => void,
): Promise<void> {
  const admin = new PgClient({ ...pg, database: 'postgres' });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
  } finally {
    await admin.end();
  }
  const common = [
    '--plugin', 'postgres12',
    '--endpoint', pg.host,
    '--port', String(pg.port),
    '--user', pg.user,
    '--password', pg.password,
    '--database', database,
  ]; // prettier-ignore
  // Version 0.0 creates the schema_version bookkeeping; update-schema then applies every
  // versioned step, and is a no-op on a database that is current.
  await execFileAsync(sqlTool, [...common, 'setup-schema', '-v', '0.0']);
  await execFileAsync(sqlTool, [...common, 'update-schema', '-d', path.join(schemaDir, 'versioned')]);
  log?.(`cluster: schema of '${database}' is current (${schemaDir})`);
}

export type Ports = Record<TemporalService, { grpc: number; membership: number; http?: number }>;

export async function servicePorts(): Promise<Ports> {
  const ports = {} as Ports;
  for (const name of TEMPORAL_SERVICES) ports[name] = { grpc: await freePort(), membership: await membershipPort() };
  ports.frontend.http = await freePort();
  return ports;
}

/**
 * The membership table stores a host's port as a PostgreSQL `smallint`: a port above 32767 (where
 * the kernel hands out most ephemeral ports) fails the service's start. So one below that.
 */
async function membershipPort(): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await isFree(port)) return port;
  }
  throw new Error('no free port between 20000 and 32000 for Temporal membership');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * The server's config. YAML is a superset of JSON, so it is written as JSON: no YAML library.
 * No pprof and no metrics listener: those are one port per host in the server's global section,
 * and the four services share this host.
 */
export function clusterConfig(
  pg: ClusterPostgres,
  databases: { persistence: string; visibility: string },
  ports: Ports,
  numHistoryShards: number,
  dynamicConfigFile: string,
) {
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${pg.host}:${pg.port}`,
      connectProtocol: 'tcp',
      user: pg.user,
      password: pg.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards,
      datastores: {
        'postgres-default': store(databases.persistence, 10),
        'postgres-visibility': store(databases.visibility, 4),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: Object.fromEntries(
      TEMPORAL_SERVICES.map((name) => [
        name,
        {
          rpc: {
            grpcPort: ports[name].grpc,
            membershipPort: ports[name].membership,
            bindOnLocalHost: true,
            ...(ports[name].http ? { httpPort: ports[name].http } : {}),
          },
        },
      ]),
    ),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `127.0.0.1:${ports.frontend.grpc}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
}

/**
 * Search attributes registered on one frontend reach the others at once (the dev server does
 * this too); without it a workflow started right after the registration can be refused.
 */
const DYNAMIC_CONFIG = `system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
    constraints: {}
`;

/** The frontend answers its health check only once history and matching have joined. */
async function connectWhenServing(
  address: string,
  services: Record<TemporalService, ServerProcess>,
  timeoutMs = 120_000,
): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const name of TEMPORAL_SERVICES) {
      if (services[name].hasExited())
        throw new Error(
          `Temporal ${name} ${await services[name].exited}; the end of ${services[name].logFile}:\n${logTail(services[name].logFile)}`,
        );
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        const { status } = await connection.healthService.check({
          service: 'temporal.api.workflowservice.v1.WorkflowService',
        });
        if (status === 1 /* SERVING */) return connection;
      } catch {
        // not ready yet
      }
      await connection.close();
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(
        `Temporal frontend on ${address} was not serving within ${timeoutMs} ms; see ${services.frontend.logFile}`,
      );
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A real cluster starts with no namespace but the system one (the dev server makes `default` itself). */
async function registerNamespace(connection: Connection, namespace: string): Promise<void> {
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('3 days'),
    });
  } catch (err) {
    if ((err as { code?: number }).code !== 6 /* ALREADY_EXISTS */) throw err;
  }
  // Namespaces reach every frontend through a cache refreshed every few seconds.
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await connection.workflowService.describeNamespace({ namespace });
      await connection.operatorService.listSearchAttributes({ namespace });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
