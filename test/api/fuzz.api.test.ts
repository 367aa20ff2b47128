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
import { DEFAULT_PLAYBOOKS } from '../../src/domain/default-playbooks';
import { GENERIC_DEFAULT_MAPPING, HUBSPOT_DEFAULT_MAPPING } from '../../src/integrations/crm/default-mappings';
import { TIERS } from '../../src/domain/segment';
import { closedWonBody } from '../fixtures/onboarding-input';
import { type ApiHarness, startApiHarness } from '../support/api-harness';
import { createOwnDatabase, type OwnDatabase } from '../support/own-database';

const ST = process.env.SCHEMATHESIS_PATH ?? path.resolve(__dirname, '../../.tools/schemathesis/bin/st');
const EXAMPLES = process.env.FUZZ_EXAMPLES ?? '60';
const SEED = process.env.FUZZ_SEED ?? '20261127';
const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
];

const FUZZ_CRM_WEBHOOKS = {
  hubspot: { clientSecret: 'fuzz-hubspot-secret', mapping: HUBSPOT_DEFAULT_MAPPING },
  generic: { secret: `whsec_${Buffer.alloc(32, 9).toString('base64')}`, mapping: GENERIC_DEFAULT_MAPPING },
};

let h: ApiHarness;
let database: OwnDatabase | undefined;
let baseUrl: string;
let onboardingId: string;

beforeAll(async () => {
  // A database of its own: onboardings that other test files left in the shared read model have
  // no worker any more, and whatever the list returns, schemathesis tries on other routes.
  database = await createOwnDatabase('fuzz');
  // The CRM webhooks configured, so that generated requests reach their signature checks (not a 404).
  h = await startApiHarness({ databaseUrl: database.url, crmWebhooks: FUZZ_CRM_WEBHOOKS });
  await h.app.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(h.http.address() as AddressInfo).port}`;
  // Something real for the generated requests to reach: an onboarding with a risk.
  const started = await h.api
    .post('/onboardings')
    .send(closedWonBody(`fuzz-${Math.random().toString(36).slice(2, 8)}`))
    .expect(201);
  onboardingId = started.body.onboardingId;
  const risk = {
    actor: 'csm:ana',
    category: 'cutover',
    description: 'Ledger mismatch',
    blocker: false,
    owner: 'impl:lee',
    decisionDueDate: '2027-01-10',
    fallback: 'Delay',
  };
  await h.api.post(`/onboardings/${onboardingId}/risks`).send(risk).expect(200);
});

/**
 * Half of the generated path parameters name things that exist (the onboarding above, its
 * playbook's keys, its risk), so that requests get past the 404s into the workflow's validators.
 */
function realisticParameters(): string {
  const playbook = DEFAULT_PLAYBOOKS['high-touch'];
  const dictionaries: Record<string, Array<string | number>> = {
    id: [onboardingId],
    milestone: playbook.milestones.map((m) => m.key),
    task: playbook.tasks.map((t) => t.key),
    gate: playbook.gates.map((g) => g.key),
    riskId: ['risk-1'],
    tier: [...TIERS],
    version: [1],
    attempt: [1],
  };
  const toml = (v: string | number) => JSON.stringify(v);
  return [
    ...Object.entries(dictionaries).flatMap(([name, values]) => [
      `[dictionaries.${name}]`,
      `values = [${values.map(toml).join(', ')}]`,
      '',
    ]),
    '[parameters]',
    ...Object.keys(dictionaries).map((name) => `"path.${name}" = { dictionary = "${name}", probability = 0.5 }`),
    '',
  ].join('\n');
}

afterAll(async () => {
  await h?.close();
  await database?.drop();
});

it('answers every operation of its OpenAPI document without a 5xx, and as documented', async () => {
  expect(fs.existsSync(ST)).toBe(true); // run `npm run setup:schemathesis` (npm test does)
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'schemathesis-'));
  const config = path.join(workDir, 'schemathesis.toml');
  fs.writeFileSync(config, realisticParameters());
  const operations = countOperations((await h.api.get('/docs/openapi.json').expect(200)).body);
  const { code, output } = await run(
    ST,
    [
      '--config-file',
      config,
      'run',
      `${baseUrl}/docs/openapi.json`,
      '--url',
      baseUrl,
      // As the owner (every role): past the bearer guard, into each route's own checks.
      '--header',
      `Authorization: Bearer ${h.ownerKey}`,
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
    ],
    workDir,
  );
  // The whole report when something failed; its summary (operations, phases, cases) otherwise.
  // Without schemathesis's pytest-style closing banner ("=== 3 warnings in 42s ==="): CI's result
  // reader takes it for a pytest run that executed no test.
  const report = code === 0 ? output.slice(output.indexOf('= SUMMARY =')) : output;
  console.log(report.replace(/^=+ .* in .* =+$/gm, '').trimEnd());
  fs.rmSync(workDir, { recursive: true, force: true });
  expect(output).toContain(`Tested: ${operations}`);
  expect(code).toBe(0);
}, 300_000);

function countOperations(document: { paths: Record<string, Record<string, unknown>> }): number {
  return Object.values(document.paths).reduce(
    (n, item) => n + Object.keys(item).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).length,
    0,
  );
}

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
