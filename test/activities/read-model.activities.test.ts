/**
 * The read-model projection against the real PostgreSQL: replays and late writes change nothing.
 */
import { DataSource } from 'typeorm';
import { createReadModelActivities } from '../../activities/read-model.activities';
import type { OnboardingProjection } from '../../src/contracts/read-model.contract';
import { assignCsm, recordMilestone } from '../../src/domain/commands';
import { DEFAULT_PLAYBOOKS } from '../../src/domain/default-playbooks';
import { atRiskReasons, type OnboardingState, startOnboarding } from '../../src/domain/onboarding';
import { fireDueTimers } from '../../src/domain/timers';
import { waitingOn } from '../../src/domain/waiting-on';
import { dataSourceOptions } from '../../src/persistence/data-source';
import { onboardingInput } from '../fixtures/onboarding-input';
import { testEnv } from '../support/test-env';

let dataSource: DataSource;
const playbook = DEFAULT_PLAYBOOKS['tech-touch'];

beforeAll(async () => {
  dataSource = await new DataSource(dataSourceOptions(testEnv('databaseUrl'))).initialize();
});

afterAll(async () => {
  await dataSource?.destroy();
});

async function row(id: string) {
  const [r] = await dataSource.query('SELECT * FROM onboardings WHERE id = $1', [id]);
  return r;
}

function projection(state: OnboardingState): OnboardingProjection {
  const { outbox: _outbox, ...rest } = state;
  return { state: rest, waitingOn: waitingOn(state, playbook), atRiskReasons: [] };
}

function states(accountId: string): [OnboardingProjection, OnboardingProjection] {
  const closedWon = new Date('2026-03-02T10:00:00Z');
  const started = startOnboarding(
    onboardingInput(accountId, 'mid-market', closedWon),
    new Date('2026-03-02T10:00:01Z'),
  );
  const first = assignCsm(
    started,
    playbook,
    { id: 'csm-x', name: 'X', email: 'x@vendor.example' },
    new Date('2026-03-02T10:00:02Z'),
  );
  const second = recordMilestone.apply(
    first,
    playbook,
    { milestone: 'first-login', actor: 'csm:ana' },
    new Date('2026-03-03T10:00:00Z'),
  );
  return [projection(first), projection(second)];
}

it('inserts the onboarding, then moves it forward', async () => {
  const { projectOnboarding } = createReadModelActivities(dataSource);
  const [first, second] = states('rm-forward');
  await projectOnboarding(first);
  expect(await row(first.state.onboardingId)).toMatchObject({
    stage: 'welcome',
    revision: 2,
    status: 'in-progress',
    tier: 'tech-touch',
    csm_id: 'csm-x',
    waiting_on: 'milestone',
  });
  await projectOnboarding(second);
  const r = await row(first.state.onboardingId);
  expect(r).toMatchObject({ stage: 'technical-setup', revision: 3, waiting_on: 'customer-task' });
  expect(r.tasks.filter((t: any) => t.status === 'open').map((t: any) => t.key)).toEqual([
    'connect-data-source',
    'invite-team',
  ]);
  expect(r.milestones.find((m: any) => m.key === 'first-login').recordedBy).toBe('csm:ana');
});

it('changes nothing when the same revision is projected again (a retried activity)', async () => {
  const { projectOnboarding } = createReadModelActivities(dataSource);
  const [first] = states('rm-replay');
  await projectOnboarding(first);
  const before = await row(first.state.onboardingId);
  await projectOnboarding(first);
  expect(await row(first.state.onboardingId)).toEqual(before);
});

it('ignores a late write of an older revision', async () => {
  const { projectOnboarding } = createReadModelActivities(dataSource);
  const [first, second] = states('rm-late');
  await projectOnboarding(second);
  await projectOnboarding(first);
  expect(await row(first.state.onboardingId)).toMatchObject({ stage: 'technical-setup', revision: 3 });
});

it('lets a newer run of the same onboarding replace an older run, whatever its revision', async () => {
  const { projectOnboarding } = createReadModelActivities(dataSource);
  const [, second] = states('rm-rerun');
  await projectOnboarding(second);
  const [first] = states('rm-rerun');
  const rerun = { ...first, state: { ...first.state, startedAt: '2026-04-01T00:00:00.000Z' } };
  await projectOnboarding(rerun);
  expect(await row(rerun.state.onboardingId)).toMatchObject({ stage: 'welcome', revision: 2 });
});

it('appends audit entries once, whatever the retries', async () => {
  const { appendAudit } = createReadModelActivities(dataSource);
  const entries = [
    {
      seq: 1,
      at: '2026-03-02T10:00:00.000Z',
      actor: 'system',
      action: 'onboarding-started',
      details: { tier: 'tech-touch' },
    },
    {
      seq: 2,
      at: '2026-03-02T11:00:00.000Z',
      actor: 'csm:ana',
      action: 'task-completed',
      details: { task: 'x' },
      evidence: 'notes',
    },
  ];
  await appendAudit('rm-audit', entries);
  await appendAudit('rm-audit', entries);
  await appendAudit('rm-audit', [entries[1]]);
  const rows = await dataSource.query(
    'SELECT seq, actor, action, evidence FROM audit_log WHERE onboarding_id = $1 ORDER BY seq',
    ['rm-audit'],
  );
  expect(rows).toEqual([
    { seq: 1, actor: 'system', action: 'onboarding-started', evidence: null },
    { seq: 2, actor: 'csm:ana', action: 'task-completed', evidence: 'notes' },
  ]);
});

it("keeps the history's entry when a seq was written before with another (a lost workflow task, computed at another time)", async () => {
  const { appendAudit, recordOnboardingPass } = createReadModelActivities(dataSource);
  const reminder = (seq: number, at: string, task: string) => ({
    seq,
    at,
    actor: 'system',
    action: 'task-reminder-sent',
    details: { task },
  });
  // The lost task's local pass: one reminder at 10:00:00.
  await recordOnboardingPass({
    onboardingId: 'rm-lost-task',
    audit: [reminder(1, '2026-03-04T10:00:00.000Z', 'kickoff')],
  });
  // Its retry, seconds later: another reminder fell due meanwhile and came first.
  const retried = [
    reminder(1, '2026-03-04T10:00:12.000Z', 'data-export'),
    reminder(2, '2026-03-04T10:00:12.000Z', 'kickoff'),
  ];
  await recordOnboardingPass({ onboardingId: 'rm-lost-task', audit: retried });
  // A regular activity's retry of the same entries changes nothing.
  await appendAudit('rm-lost-task', retried);
  const rows = await dataSource.query(
    `SELECT seq, to_char(at AT TIME ZONE 'UTC', 'HH24:MI:SS') AS at, details->>'task' AS task
       FROM audit_log WHERE onboarding_id = $1 ORDER BY seq`,
    ['rm-lost-task'],
  );
  expect(rows).toEqual([
    { seq: 1, at: '10:00:12', task: 'data-export' },
    { seq: 2, at: '10:00:12', task: 'kickoff' },
  ]);
});

describe("a pass's records in one transaction", () => {
  const entry = (seq: number, actor: string) => ({
    seq,
    at: '2026-03-03T10:00:00.000Z',
    actor,
    action: 'milestone-recorded',
    details: { milestone: 'first-login' },
  });

  it('writes the audit entries and the projection once, whatever the retries', async () => {
    const { recordOnboardingPass } = createReadModelActivities(dataSource);
    const [, second] = states('rm-pass');
    const pass = { onboardingId: second.state.onboardingId, audit: [entry(1, 'csm:ana')], projection: second };
    await recordOnboardingPass(pass);
    await recordOnboardingPass(pass);
    // A pass with nothing new to project writes only its audit entries.
    await recordOnboardingPass({ onboardingId: pass.onboardingId, audit: [entry(2, 'csm:ana')] });
    expect(await row(pass.onboardingId)).toMatchObject({
      stage: second.state.stage.key,
      revision: second.state.revision,
    });
    const audit = await dataSource.query('SELECT seq FROM audit_log WHERE onboarding_id = $1 ORDER BY seq', [
      pass.onboardingId,
    ]);
    expect(audit).toEqual([{ seq: 1 }, { seq: 2 }]);
  });

  it('writes nothing when PostgreSQL refuses part of it, and says so for good', async () => {
    const { recordOnboardingPass } = createReadModelActivities(dataSource);
    const [first] = states('rm-pass-refused');
    const refused = recordOnboardingPass({
      onboardingId: first.state.onboardingId,
      audit: [entry(1, 'csm:\u0000ana')],
      projection: first,
    });
    await expect(refused).rejects.toMatchObject({ type: 'PermanentWriteFailure', nonRetryable: true });
    // The projection went with the refused audit entry: the workflow writes both apart instead.
    expect(await row(first.state.onboardingId)).toBeUndefined();
  });
});

describe('domain events recorded with the projection', () => {
  const projected = (state: OnboardingState): OnboardingProjection => ({
    ...projection(state),
    atRiskReasons: atRiskReasons(state),
  });
  const eventsOf = async (onboardingId: string): Promise<Array<{ id: string; type: string; body: string }>> =>
    dataSource.query('SELECT id, type, body FROM domain_events WHERE onboarding_id = $1 ORDER BY occurred_at, id', [
      onboardingId,
    ]);

  it('records each event once, and tells a stall ended and at-risk changes from the previous row', async () => {
    const { projectOnboarding } = createReadModelActivities(dataSource);
    const [first] = states('rm-events');
    const started = first.state as OnboardingState;
    const stalled = fireDueTimers({ ...started, outbox: [] }, playbook, new Date('2026-04-15T10:00:00Z'));
    expect(stalled.stalledSince).toBeDefined();
    const recovered = recordMilestone.apply(
      stalled,
      playbook,
      { milestone: 'first-login', actor: 'csm:ana' },
      new Date('2026-04-16T10:00:00Z'),
    );

    await projectOnboarding(projected(started));
    await projectOnboarding(projected(started)); // a retried activity
    await projectOnboarding(projected(stalled));
    await projectOnboarding(projected(recovered));
    // Its escalations acknowledged, it is no longer at risk.
    const calm = {
      ...recovered,
      escalations: recovered.escalations.map((e) => ({ ...e, acknowledgedAt: '2026-04-16T11:00:00.000Z' })),
      revision: recovered.revision + 1,
    };
    expect(atRiskReasons(calm)).toEqual([]);
    await projectOnboarding(projected(calm));
    const events = await eventsOf(started.onboardingId);
    const types = events.map((e) => e.type);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(types.filter((t) => t === 'onboarding.started')).toHaveLength(1);
    expect(types).toContain('onboarding.stall_started');
    expect(types).toContain('onboarding.stall_ended');
    const atRisk = events
      .filter((e) => e.type === 'onboarding.at_risk_changed')
      .map((e) => JSON.parse(e.body).data.atRisk);
    expect(atRisk[0]).toBe(true);
    expect(atRisk).toEqual([true, false]);
    // The body is the Standard Webhooks envelope, with the event id in its data.
    const stallEnded = JSON.parse(events.find((e) => e.type === 'onboarding.stall_ended')!.body);
    expect(stallEnded).toEqual({
      type: 'onboarding.stall_ended',
      timestamp: '2026-04-16T10:00:00.000Z',
      data: {
        eventId: `${started.onboardingId}:stall_ended:${stalled.stalledSince}`,
        onboardingId: started.onboardingId,
        accountId: 'rm-events',
        stalledSince: stalled.stalledSince,
      },
    });

    // A late write of the stalled state derives nothing from the (newer) row it cannot replace.
    await projectOnboarding(projected(stalled));
    expect(await eventsOf(started.onboardingId)).toEqual(events);
  });
});

it('counts each domain event once, when first recorded, however often the same state is projected', async () => {
  const counted: string[] = [];
  const { projectOnboarding } = createReadModelActivities(dataSource, {
    countEvents: (events) => counted.push(...events.map((e) => e.type)),
  });
  const [first, second] = states('rm-counted');
  await projectOnboarding(first);
  expect(counted.filter((t) => t === 'onboarding.started')).toHaveLength(1);
  expect(counted).toContain('onboarding.csm_assigned');
  const afterFirst = counted.length;
  // A retried activity, a replayed workflow: nothing new recorded, nothing counted.
  await projectOnboarding(first);
  expect(counted).toHaveLength(afterFirst);
  await projectOnboarding(second);
  expect(counted.slice(afterFirst)).toContain('onboarding.milestone_recorded');
  expect(counted.slice(afterFirst)).not.toContain('onboarding.started');
  const afterSecond = counted.length;
  await projectOnboarding(second);
  await projectOnboarding(first);
  expect(counted).toHaveLength(afterSecond);
  const [{ n }] = await dataSource.query('SELECT count(*)::int AS n FROM domain_events WHERE onboarding_id = $1', [
    first.state.onboardingId,
  ]);
  expect(counted).toHaveLength(n);
});
