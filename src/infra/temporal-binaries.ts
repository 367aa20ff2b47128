import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Where the Temporal servers come from, in this order: an explicit env variable, the project's
 * own .tools folder (filled by scripts/install-temporal.js from PyPI), `temporal` on PATH, and
 * only then the SDK's download (returned as undefined), which needs the open internet.
 */
export type TemporalBinary = 'temporal' | 'temporal-test-server';

const ENV_BY_BINARY: Record<TemporalBinary, string> = {
  temporal: 'TEMPORAL_CLI_PATH',
  'temporal-test-server': 'TEMPORAL_TEST_SERVER_PATH',
};

/** Where scripts/install-temporal.js puts the binaries. */
export const PROJECT_TOOLS_DIR = path.join(findProjectRoot(__dirname), '.tools', 'temporal', 'bin');

export function resolveTemporalBinary(
  binary: TemporalBinary,
  { env = process.env, toolsDir = PROJECT_TOOLS_DIR }: { env?: NodeJS.ProcessEnv; toolsDir?: string } = {},
): string | undefined {
  const explicit = env[ENV_BY_BINARY[binary]];
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`${ENV_BY_BINARY[binary]}=${explicit} is not an executable file`);
    return explicit;
  }
  const own = path.join(toolsDir, binary);
  if (isExecutable(own)) return own;
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, binary);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** The `server.executable` option of @temporalio/testing's environments. */
export function testingExecutable(binary: TemporalBinary) {
  const found = resolveTemporalBinary(binary);
  return found ? { type: 'existing-path' as const, path: found } : { type: 'cached-download' as const };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function findProjectRoot(from: string): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}
