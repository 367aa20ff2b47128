/**
 * The engineers' replay command (npm run replay), as they run it: the built CLI, on a history
 * file exported by the Temporal CLI, and on a workflow fetched from a running server.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from '@temporalio/worker';
import { ONBOARDING_WORKFLOW_TYPE } from '../../src/contracts/onboarding.contract';
import { onboardingInput } from '../fixtures/onboarding-input';
import { walkJourney } from '../support/journey-driver';
import { silentOnboardingActivities } from '../support/stub-activities';
import { connectClient, connectWorker, dataConverter } from '../../src/infra/temporal-connection';
import { testEnv, testPayloadCodec, workflowBundle } from '../support/test-env';

jest.setTimeout(120_000);

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'dist/worker/replay.js');
const replay = (...args: string[]) => replayWith({}, ...args);
const replayWith = (env: NodeJS.ProcessEnv, ...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: npm test builds it (npm run build)`);
});

it('says a recorded history replays cleanly against the current code (exit 0)', () => {
  const result = replay('--file', 'test/histories/high-touch-handoff-risk.json');
  expect(result.stdout).toMatch(
    /^replays cleanly: test\/histories\/high-touch-handoff-risk\.json, \d+ events, against dist\/workflows/,
  );
  expect(result.status).toBe(0);
});

it('replays a real failed cutover history cleanly', () => {
  const result = replay('--file', 'test/histories/cutover-failed-at-switch-sso.json');
  expect(result.stdout).toMatch(/^replays cleanly: test\/histories\/cutover-failed-at-switch-sso\.json, \d+ events/);
  expect(result.status).toBe(0);
  const diverged = replay(
    '--file',
    'test/histories/cutover-failed-at-switch-sso.json',
    '--workflows',
    'test/replay/fixtures/changed-workflow.ts',
  );
  expect(diverged.stdout).toMatch(/first divergence at event \d+/);
  expect(diverged.status).toBe(1);
});

it('says where the history diverges from non-deterministically changed code (exit 1)', () => {
  const result = replay(
    '--file',
    'test/histories/tech-touch.json',
    '--workflows',
    'test/replay/fixtures/changed-workflow.ts',
  );
  expect(result.stdout).toContain('DIVERGES: test/histories/tech-touch.json');
  expect(result.stdout).toMatch(/first divergence at event \d+ \(\w+\)/);
  expect(result.stdout).toContain('Nondeterminism');
  expect(result.status).toBe(1);
});

it('fetches a workflow history from the Temporal server by workflow id, and decrypts it with the keys', async () => {
  const address = testEnv('temporalAddress');
  const taskQueue = `replay-cli-${Math.random().toString(36).slice(2)}`;
  const { connection } = await connectWorker(address, 'default');
  // Encrypted as the service writes it.
  const payloadCodec = testPayloadCodec();
  const { client, connection: clientConnection } = await connectClient(address, 'default', payloadCodec);
  const noKeyFile = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-no-keys-'));
  try {
    const worker = await Worker.create({
      connection,
      taskQueue,
      dataConverter: dataConverter(payloadCodec),
      workflowBundle: workflowBundle(),
      activities: silentOnboardingActivities(),
    });
    const input = onboardingInput(`replay-cli-${Math.random().toString(36).slice(2, 8)}`, 'smb');
    await worker.runUntil(async () => {
      const handle = await client.workflow.start(ONBOARDING_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: input.onboardingId,
        args: [input],
      });
      await walkJourney(handle, input, () => new Promise((r) => setTimeout(r, 100)));
      await handle.result();
    });
    const keys = {
      PAYLOAD_ENCRYPTION_KEYS: testEnv('payloadKeys'),
      PAYLOAD_ENCRYPTION_KEY_ID: testEnv('payloadKeyId'),
    };
    const result = replayWith(keys, input.onboardingId, '--address', address);
    expect(result.stdout).toMatch(new RegExp(`^replays cleanly: ${input.onboardingId}, \\d+ events`));
    expect(result.status).toBe(0);
    // Without a key (none configured, no key file in DATA_DIR) it cannot read the history, and says why.
    const keyless = replayWith({ DATA_DIR: noKeyFile }, input.onboardingId, '--address', address);
    expect(keyless.stderr).toMatch(/could not replay: .*encrypted.*PAYLOAD_ENCRYPTION_KEYS/);
    expect(keyless.status).toBe(2);

    const unknown = replay('onboarding-nobody-here', '--address', address);
    expect(unknown.stderr).toMatch(/could not replay: .*not found/i);
    expect(unknown.status).toBe(2);
  } finally {
    await connection.close();
    await clientConnection.close();
    fs.rmSync(noKeyFile, { recursive: true, force: true });
  }
});

it('explains its usage when called wrongly (exit 2)', () => {
  const result = replay();
  expect(result.stderr).toContain('usage: npm run replay -- <workflow id>');
  expect(result.status).toBe(2);
});
