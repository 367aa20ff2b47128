/**
 * Fault suite, scenario 2: PostgreSQL stopped for a minute (FAULTS_POSTGRES_DOWN_S, default 60)
 * in the middle of a burst of commands on several onboardings, then started again on the same
 * data folder and port. The API needs PostgreSQL for API keys and idempotency records, so while
 * it is down commands are refused (503) and clients retry them with the same key; commands it
 * accepted just before the stop have projections and audit entries still to write, which the
 * worker's activities retry. Every accepted command must end in the read model and the audit
 * log once, matching the workflow's own state.
 */
import * as fs from 'node:fs';
import { ApiClient, pause } from './api-client';
import { type Command, expectAppliedOnce, newRisk, sendCommand, startOnboardings } from './applied-once';
import { type FaultStack, startFaultStack } from './fault-stack';
import { recordSummary, sizeFromEnv } from './faults-env';

const DOWN_MS = sizeFromEnv('FAULTS_POSTGRES_DOWN_S', 60) * 1_000;
const ONBOARDINGS = 5;
const CLIENTS_PER_ONBOARDING = 2;
/** Commands are sent from this long before the stop until this long after the start. */
const AROUND_MS = 8_000;
const MILESTONES = ['success-criteria-agreed', 'first-login', 'initial-setup-complete', 'first-value-achieved'];

const log = (line: string) => process.stdout.write(`${line}\n`);
let stack: FaultStack;
let api: ApiClient;

beforeAll(async () => {
  stack = await startFaultStack({ name: 'postgres-outage', log });
  api = new ApiClient(stack.apiUrl, stack.ownerKey);
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

it('lands every command the API accepted in the read model and the audit log once, across a PostgreSQL outage', async () => {
  const ids = await startOnboardings(api, `pg-outage-${Date.now().toString(36)}`, ONBOARDINGS);
  const started = Date.now();
  let sending = true;
  const down: { from?: number; to?: number } = {};
  const phase = (at: number) =>
    down.from === undefined || at < down.from ? 'before' : down.to === undefined || at < down.to ? 'during' : 'after';

  const outcomes: Array<{ command: Command; status: number; body: any; firstSent: string; acceptedAfterMs: number }> =
    [];
  const statuses = new Map<string, number>();
  const clients = ids.flatMap((id, i) =>
    Array.from({ length: CLIENTS_PER_ONBOARDING }, async (_, c) => {
      const milestones = c === 0 ? [...MILESTONES] : [];
      for (let j = 0; sending; j++) {
        const m = milestones.shift();
        const command: Command = m
          ? { onboarding: id, kind: 'milestone', milestone: m }
          : newRisk(id, `client ${i}.${c} #${j}`);
        const firstSent = phase(Date.now());
        const t = Date.now();
        const outcome = await sendCommand(api, command, DOWN_MS + 180_000);
        for (const s of [...outcome.retried, String(outcome.status)]) statuses.set(s, (statuses.get(s) ?? 0) + 1);
        outcomes.push({
          command,
          status: outcome.status,
          body: outcome.body,
          firstSent,
          acceptedAfterMs: Date.now() - t,
        });
        await pause(200);
      }
    }),
  );

  await pause(AROUND_MS);
  const acceptedBeforeStop = outcomes.filter((o) => o.status === 200).length;
  down.from = Date.now();
  await stack.postgres.stop();
  log(`postgres outage: PostgreSQL stopped after ${acceptedBeforeStop} accepted commands`);
  await pause(DOWN_MS);
  await stack.postgres.start();
  down.to = Date.now();
  log(`postgres outage: PostgreSQL started again after ${down.to - down.from!} ms`);
  await pause(AROUND_MS);
  sending = false;
  await Promise.all(clients);
  const caughtUpFrom = Date.now();

  const notAccepted = outcomes.filter((o) => o.status !== 200);
  expect(notAccepted).toEqual([]);
  // The burst really spanned the outage: commands first sent while it was down were accepted after it.
  const sentDuring = outcomes.filter((o) => o.firstSent === 'during');
  expect(sentDuring.length).toBeGreaterThan(0);
  expect(acceptedBeforeStop).toBeGreaterThan(0);

  const { auditEntries } = await expectAppliedOnce(
    stack,
    api,
    outcomes.map((o) => o.command),
  );
  // The worker's side: projection and audit attempts that failed while PostgreSQL was down, retried by Temporal.
  const failedAttempts = fs
    .readFileSync(stack.worker.current.server.logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes('ctivity failed')).length;
  const byStatus = [...statuses.entries()].map(([s, n]) => `${s} ×${n}`).join(', ');
  recordSummary(
    `PostgreSQL outage: stopped ${Math.round((down.to! - down.from!) / 1000)} s; ${outcomes.length} commands on ` +
      `${ids.length} onboardings (${acceptedBeforeStop} accepted before the stop, ${sentDuring.length} first sent ` +
      `while it was down and retried until accepted; answers: ${byStatus}); each in the read model and audit log ` +
      `once (${auditEntries} audit entries checked; ${failedAttempts} worker activity attempts failed and were retried; caught up ${Math.round((Date.now() - caughtUpFrom) / 1000)} s ` +
      `after the burst); ${Math.round((Date.now() - started) / 1000)} s in all`,
  );
});
