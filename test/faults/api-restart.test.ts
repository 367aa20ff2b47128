/**
 * Fault suite, scenario 4: the API process restarted under load (FAULTS_API_RESTARTS times,
 * default 4: SIGKILL and SIGTERM in turn). Clients keep sending commands (new risks, milestones)
 * on several onboardings, each command under its own Idempotency-Key, and retry it with that key
 * through every dropped connection, 503 and 409 IdempotencyKeyInFlight until a final answer.
 * Each change must be applied once: once in the workflow's state, once in the audit log, and
 * the read model at the workflow's revision.
 */
import { ApiClient, pause } from './api-client';
import { type Command, expectAppliedOnce, newRisk, sendCommand, startOnboardings } from './applied-once';
import { type FaultStack, startFaultStack } from './fault-stack';
import { recordSummary, sizeFromEnv } from './faults-env';

const RESTARTS = sizeFromEnv('FAULTS_API_RESTARTS', 4);
const ONBOARDINGS = 6;
const COMMANDS_PER_CLIENT = 25;
const MILESTONES = ['success-criteria-agreed', 'first-login', 'initial-setup-complete'];

const log = (line: string) => process.stdout.write(`${line}\n`);
let stack: FaultStack;
let api: ApiClient;

beforeAll(async () => {
  stack = await startFaultStack({ name: 'api-restarts', log });
  api = new ApiClient(stack.apiUrl, stack.ownerKey);
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

it('applies each change once when clients retry with their idempotency keys through API restarts', async () => {
  const ids = await startOnboardings(api, `api-restarts-${Date.now().toString(36)}`, ONBOARDINGS);
  const started = Date.now();
  let finished = false;

  // One client per onboarding: milestones first, then new risks, one command at a time.
  const tries = new Map<string, number>();
  const count = (label: string) => tries.set(label, (tries.get(label) ?? 0) + 1);
  const outcomes: Array<{ command: Command; status: number; body: any }> = [];
  const clients = ids.map(async (id, i) => {
    const commands: Command[] = [
      ...MILESTONES.map((milestone): Command => ({ onboarding: id, kind: 'milestone', milestone })),
      ...Array.from({ length: COMMANDS_PER_CLIENT - MILESTONES.length }, (_, j) => newRisk(id, `client ${i} #${j}`)),
    ];
    for (const command of commands) {
      const outcome = await sendCommand(api, command);
      outcome.retried.forEach(count);
      count(outcome.replayed ? `${outcome.status} replayed` : String(outcome.status));
      outcomes.push({ command, status: outcome.status, body: outcome.body });
      await pause(50);
    }
  });
  const allSent = Promise.all(clients).finally(() => (finished = true));

  // The restarts: 1 to 3 s apart, while the clients are still sending.
  const restarts: Array<{ signal: string; downMs: number }> = [];
  for (let r = 0; r < RESTARTS && !finished; r++) {
    await pause(1_000 + Math.random() * 2_000);
    const t = Date.now();
    if (r % 2 === 0) await stack.api.kill();
    else await stack.api.stop();
    await stack.api.start();
    restarts.push({ signal: r % 2 === 0 ? 'SIGKILL' : 'SIGTERM', downMs: Date.now() - t });
  }
  await allSent;
  const sendingMs = Date.now() - started;

  const refused = outcomes.filter((o) => o.status !== 200);
  expect(refused).toEqual([]);
  expect(restarts.length).toBe(RESTARTS);
  const { auditEntries } = await expectAppliedOnce(
    stack,
    api,
    outcomes.map((o) => o.command),
  );
  recordSummary(
    `API restarts: ${outcomes.length} commands on ${ids.length} onboardings, ${restarts.length} restarts ` +
      `(${restarts.map((r) => `${r.signal} ${r.downMs} ms`).join(', ')}); tries: ` +
      `${[...tries.entries()].map(([label, n]) => `${label} ×${n}`).join(', ')}; ` +
      `each applied once (${auditEntries} audit entries checked); sending ${Math.round(sendingMs / 1000)} s, ` +
      `${Math.round((Date.now() - started) / 1000)} s in all`,
  );
});
