/**
 * Schemathesis against the API's own OpenAPI document, on the real stack served over a real
 * port: every operation, with generated valid and invalid requests. It fails on any 5xx, a
 * status the document does not declare, or a response that breaks the declared schema (problem
 * details included). Installed by `npm test`'s setup (scripts/install-schemathesis.js).
 * FUZZ_EXAMPLES and FUZZ_SEED widen or vary a run by hand; the suite's run is fixed and bounded.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiHarness, startApiHarness } from '../support/api-harness';

const ST = process.env.SCHEMATHESIS_PATH ?? path.resolve(__dirname, '../../.tools/schemathesis/bin/st');
const EXAMPLES = process.env.FUZZ_EXAMPLES ?? '10';
const SEED = process.env.FUZZ_SEED ?? '20261127';
const CHECKS = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'];

let h: ApiHarness;
let baseUrl: string;

beforeAll(async () => {
  h = await startApiHarness();
  await h.app.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(h.http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await h?.close();
});

it('answers every operation of its OpenAPI document without a 5xx, and as documented', async () => {
  expect(fs.existsSync(ST)).toBe(true); // run `npm run setup:schemathesis` (npm test does)
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'schemathesis-'));
  const { code, output } = await run(ST, [
    'run',
    `${baseUrl}/docs/openapi.json`,
    '--url',
    baseUrl,
    '--checks',
    CHECKS.join(','),
    '--max-examples',
    EXAMPLES,
    '--seed',
    SEED,
    '--workers',
    '1',
    '--phases',
    'examples,coverage,fuzzing',
    '--generation-database',
    'none',
    '--request-timeout',
    '10',
    '--no-color',
  ], workDir);
  if (code !== 0) console.log(output);
  expect(output).toMatch(/API Operations:\s+\d+ selected/);
  expect(code).toBe(0);
}, 300_000);

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
