/**
 * The read-model projection against the real PostgreSQL: replays and late writes change nothing.
 */
import { DataSource } from 'typeorm';
import { createReadModelActivities } from '../../activities/read-model.activities';
import { DEFAULT_PLAYBOOKS } from '../../src/domain/default-playbooks';
import { OnboardingState, recordMilestone, startOnboarding } from '../../src/domain/onboarding';
import { dataSourceOptions } from '../../src/persistence/data-source';
import { onboardingInput } from '../fixtures/onboarding-input';
import { testEnv } from '../support/test-env';

let dataSource: DataSource;
const stages = DEFAULT_PLAYBOOKS['tech-touch'].stages;

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

function states(accountId: string): [OnboardingState, OnboardingState] {
  const closedWon = new Date('2026-03-02T10:00:00Z');
  const first = startOnboarding(onboardingInput(accountId, 'mid-market', closedWon), new Date('2026-03-02T10:00:01Z'));
  const second = recordMilestone(first, stages, { milestone: 'first-login', actor: 'csm:ana' }, new Date('2026-03-03T10:00:00Z'));
  return [first, second];
}

it('inserts the onboarding, then moves it forward', async () => {
  const { projectOnboarding } = createReadModelActivities(dataSource);
  const [first, second] = states('rm-forward');
  await projectOnboarding(first);
  expect(await row(first.onboardingId)).toMatchObject({ stage: 'welcome', revision: 1, status: 'in-progress', tier: 'tech-touch' });
  await projectOnboarding(second);
  const r = await row(first.onboardingId);
  expect(r).toMatchObject({ stage: 'technical-setup', revision: 2 });
  expect(r.milestones.find((m: any) => m.key === 'first-login').recordedBy).toBe('csm:ana');
});

it('changes nothing when the same revision is projected again (a retried activity)', async () => {
  const { projectOnboarding } = createReadModelActivities(dataSource);
  const [first] = states('rm-replay');
  await projectOnboarding(first);
  const before = await row(first.onboardingId);
  await projectOnboarding(first);
  expect(await row(first.onboardingId)).toEqual(before);
});

it('ignores a late write of an older revision', async () => {
  const { projectOnboarding } = createReadModelActivities(dataSource);
  const [first, second] = states('rm-late');
  await projectOnboarding(second);
  await projectOnboarding(first);
  expect(await row(first.onboardingId)).toMatchObject({ stage: 'technical-setup', revision: 2 });
});

it('lets a newer run of the same onboarding replace an older run, whatever its revision', async () => {
  const { projectOnboarding } = createReadModelActivities(dataSource);
  const [, second] = states('rm-rerun');
  await projectOnboarding(second);
  const rerun = { ...states('rm-rerun')[0], startedAt: '2026-04-01T00:00:00.000Z' };
  await projectOnboarding(rerun);
  expect(await row(rerun.onboardingId)).toMatchObject({ stage: 'welcome', revision: 1 });
});
