/**
 * Fault suite, scenario 3: the Temporal dev server stopped in the middle of a burst of commands
 * and started again on the same SQLite file and port (down FAULTS_TEMPORAL_DOWN_S, default 25 s).
 * The onboardings run a playbook whose task timers are seconds long: a reminder 10 s before each
 * task is due, the CSM at the breach and the CS lead 10 s later, timed so that some fall while
 * the server is down. Every timer must still fire (late, not lost), every onboarding must go on
 * taking commands, and every accepted command must be applied once.
 */
import { DEFAULT_PLAYBOOKS } from '../../src/domain/default-playbooks';
import type { Playbook } from '../../src/domain/playbook';
import { closedWonBody } from '../fixtures/onboarding-input';
import { eventually } from '../support/eventually';
import { ApiClient, pause } from './api-client';
import { type Command, expectAppliedOnce, newRisk, sendCommand } from './applied-once';
import { type FaultStack, startFaultStack } from './fault-stack';
import { recordSummary, sizeFromEnv } from './faults-env';

const DOWN_MS = sizeFromEnv('FAULTS_TEMPORAL_DOWN_S', 25) * 1_000;
const ONBOARDINGS = 6;
const SECOND_IN_HOURS = 1 / 3600;
const SECOND_IN_DAYS = 1 / 86_400;
/** Each task's due time after it unlocks, in seconds. */
const TASKS = { 'timer-a': 30, 'timer-b': 45 } as const;

const log = (line: string) => process.stdout.write(`${line}\n`);
let stack: FaultStack;
let api: ApiClient;

/** Tech-touch with two CSM tasks in its first stage, due in seconds, on a ladder of seconds. */
function timerPlaybook(): Playbook {
  const p = structuredClone(DEFAULT_PLAYBOOKS['tech-touch']);
  p.name = 'Tech-touch with timers of seconds, fault suite';
  p.escalationLadders.push({
    key: 'seconds',
    levels: [
      { notify: 'csm', afterHours: 0 },
      { notify: 'cs-lead', afterHours: 10 * SECOND_IN_HOURS },
    ],
  });
  p.tasks = Object.entries(TASKS).map(([key, dueSeconds]) => ({
    key,
    name: `Task due in ${dueSeconds} s`,
    stage: p.stages[0].key,
    owner: 'csm' as const,
    dueAfterDays: dueSeconds * SECOND_IN_DAYS,
    dependsOn: [],
    remindBeforeHours: 10 * SECOND_IN_HOURS,
    escalation: 'seconds',
  }));
  return p;
}

/** When each timer of an onboarding is due, from its tasks' due times. */
function expectedTimers(state: any): Array<{ name: string; at: number }> {
  return state.tasks.flatMap((t: any) => {
    const due = Date.parse(t.dueAt);
    return [
      { name: `task-reminder:${t.key}`, at: due - 10_000 },
      { name: `escalation:${t.key}:1`, at: due },
      { name: `escalation:${t.key}:2`, at: due + 10_000 },
    ];
  });
}

/** When each timer fired: reminders by the revision that sent them are not dated, so only escalations carry a time. */
function firedTimers(state: any): Map<string, number | undefined> {
  const fired = new Map<string, number | undefined>();
  for (const key of state.remindersSent) fired.set(key, undefined);
  for (const e of state.escalations)
    if (e.subject.kind === 'task') fired.set(`escalation:${e.subject.key}:${e.level}`, Date.parse(e.raisedAt));
  return fired;
}

beforeAll(async () => {
  stack = await startFaultStack({ name: 'temporal-restart', log });
  api = new ApiClient(stack.apiUrl, stack.ownerKey);
  await api.accepted('POST', '/playbooks/tech-touch/versions', {
    publishedBy: 'cs-ops:faults',
    definition: timerPlaybook(),
  });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

it('fires every timer and keeps every onboarding going when the Temporal server restarts during a burst', async () => {
  const started = Date.now();
  const prefix = `temporal-restart-${Date.now().toString(36)}`;
  const ids: string[] = [];
  for (let i = 0; i < ONBOARDINGS; i++) {
    await api.accepted('POST', '/onboardings', closedWonBody(`${prefix}-${i}`, 'mid-market'), `${prefix}-${i}:start`);
    ids.push(`onboarding-${prefix}-${i}`);
  }
  const states = new Map<string, any>();
  for (const id of ids)
    states.set(
      id,
      await eventually(
        async () => {
          const s = await api.read(`/onboardings/${id}`);
          return s.tasks.every((t: any) => t.dueAt) ? s : undefined;
        },
        120_000,
        300,
      ),
    );

  // The burst: one client per onboarding sends new risks until told to stop, retrying each with its key.
  let sending = true;
  const outcomes: Array<{ command: Command; status: number; body: any; tries: number }> = [];
  const clients = ids.map(async (id, i) => {
    for (let j = 0; sending; j++) {
      const command = newRisk(id, `client ${i} #${j}`);
      const outcome = await sendCommand(api, command, DOWN_MS + 120_000);
      outcomes.push({ command, status: outcome.status, body: outcome.body, tries: outcome.tries });
      await pause(300);
    }
  });

  // Down from 5 s on, so that reminders (20 s after unlock) and first escalations fall in the outage.
  await pause(5_000);
  const stopAt = Date.now();
  await stack.temporal.stop();
  log(`temporal restart: dev server stopped after ${outcomes.length} commands`);
  await pause(DOWN_MS);
  await stack.temporal.start();
  const upAt = Date.now();
  log(`temporal restart: dev server serving again after ${upAt - stopAt} ms`);
  await pause(5_000);
  sending = false;
  await Promise.all(clients);

  expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
  const retried = outcomes.filter((o) => o.tries > 1).length;
  expect(retried).toBeGreaterThan(0);

  // Every timer fires, none before it is due; those due while the server was down fire after it is back.
  const last = Math.max(...[...states.values()].flatMap((s) => expectedTimers(s).map((t) => t.at)));
  let timers = 0;
  let inOutage = 0;
  let maxLagMs = 0;
  for (const id of ids) {
    const expected = expectedTimers(states.get(id));
    const state = await eventually(
      async () => {
        const s = await api.read(`/onboardings/${id}`);
        const fired = firedTimers(s);
        return expected.every((t) => fired.has(t.name)) ? s : undefined;
      },
      Math.max(0, last - Date.now()) + 90_000,
      1_000,
    );
    const fired = firedTimers(state);
    for (const t of expected) {
      timers++;
      if (t.at >= stopAt && t.at < upAt) inOutage++;
      const at = fired.get(t.name);
      if (at !== undefined) {
        expect([id, t.name, at >= t.at - 1_000]).toEqual([id, t.name, true]);
        maxLagMs = Math.max(maxLagMs, at - t.at);
      }
    }
  }

  // The onboardings go on: each takes its next milestone and moves to the next stage.
  for (const id of ids) {
    const after = await api.accepted('POST', `/onboardings/${id}/milestones/first-login`, { evidence: 'fault suite' });
    expect([id, after.stage.key]).toEqual([id, 'technical-setup']);
  }

  const { auditEntries } = await expectAppliedOnce(
    stack,
    api,
    outcomes.map((o) => o.command),
  );
  recordSummary(
    `Temporal restart: dev server down ${Math.round((upAt - stopAt) / 1000)} s; ${outcomes.length} commands on ` +
      `${ids.length} onboardings (${retried} retried through the outage), each applied once (${auditEntries} audit ` +
      `entries checked); ${timers} timers fired (${inOutage} due while the server was down, latest escalation ` +
      `${Math.round(maxLagMs / 1000)} s after its time); every onboarding moved on; ` +
      `${Math.round((Date.now() - started) / 1000)} s in all`,
  );
});
