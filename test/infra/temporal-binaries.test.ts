import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_TOOLS_DIR, resolveTemporalBinary, testingExecutable } from '../../src/infra/temporal-binaries';

let dir: string;
const executable = (sub: string, name: string) => {
  fs.mkdirSync(path.join(dir, sub), { recursive: true });
  const file = path.join(dir, sub, name);
  fs.writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
  return file;
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'binaries-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it('prefers the explicit env variable over the project folder and PATH', () => {
  const mine = executable('explicit', 'my-temporal');
  executable('tools', 'temporal');
  executable('path', 'temporal');
  const env = { TEMPORAL_CLI_PATH: mine, PATH: path.join(dir, 'path') };
  expect(resolveTemporalBinary('temporal', { env, toolsDir: path.join(dir, 'tools') })).toBe(mine);
});

it('refuses an env variable that names no executable, naming the variable', () => {
  const env = { TEMPORAL_TEST_SERVER_PATH: path.join(dir, 'nope') };
  expect(() => resolveTemporalBinary('temporal-test-server', { env })).toThrow(
    /TEMPORAL_TEST_SERVER_PATH=.*nope is not an executable file/,
  );
});

it('then takes the project folder before PATH, then PATH, then nothing (the SDK download)', () => {
  const toolsDir = path.join(dir, 'tools');
  const env = { PATH: [path.join(dir, 'missing'), path.join(dir, 'path')].join(path.delimiter) };
  const onPath = executable('path', 'temporal-test-server');
  expect(resolveTemporalBinary('temporal-test-server', { env, toolsDir })).toBe(onPath);
  const own = executable('tools', 'temporal-test-server');
  expect(resolveTemporalBinary('temporal-test-server', { env, toolsDir })).toBe(own);
  expect(resolveTemporalBinary('temporal', { env, toolsDir })).toBeUndefined();
});

it('hands the binaries that npm test installed from PyPI to @temporalio/testing as existing paths', () => {
  expect(testingExecutable('temporal')).toEqual({
    type: 'existing-path',
    path: path.join(PROJECT_TOOLS_DIR, 'temporal'),
  });
  expect(testingExecutable('temporal-test-server')).toEqual({
    type: 'existing-path',
    path: path.join(PROJECT_TOOLS_DIR, 'temporal-test-server'),
  });
});
