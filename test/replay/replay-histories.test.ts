/**
 * Recorded histories of finished onboardings (test/histories, exported by the Temporal CLI in
 * the UI's JSON format) must replay against the current workflow code. A change that breaks
 * that would break every running onboarding: guard it with patched() instead, or re-record
 * deliberately (npm run histories:record) when no onboarding runs the old code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { workflowBundle } from '../support/test-env';
import { type WorkflowTask, workflowTasks } from '../support/workflow-tasks';

const dir = path.resolve(__dirname, '../histories');
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const load = (file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));

it('has histories of each tier, of an incomplete handoff, of a continued-as-new onboarding, of cutovers before and with hypercare, of refused side effects, of a wait for a CSM seat and a roster change during its first try, of commands carrying their principal, of a cohort set after closed-won, of a weekly summary report, of the database work as local activities (and a run switched to it), of updates written once stored (and a run switched to it)', () => {
  expect(files).toEqual([
    // Issue 10: the setCohort update, three times (a pilot, none, another pilot).
    'cohort-set-after-closed-won.json',
    // Commands as the API sends them since issue 9: with the principal, stamped on the audit entries.
    'commands-with-principals.json',
    'cutover-failed-at-switch-sso.json',
    // Recorded before cutover plans moved into playbooks and hypercare existed (patched since).
    'high-touch-cutover-before-hypercare.json',
    'high-touch-cutover-hypercare.json',
    'high-touch-handoff-risk.json',
    // Patches local-activities and one-wake-up-timer: a pass's writes in one local activity, the
    // CSM asked for and messages first tried locally; a journey, a refused pass (the separate
    // writes take over), a wait for a seat.
    'local-activities-no-seat.json',
    'local-activities-refused.json',
    'local-activities.json',
    // An account name PostgreSQL refuses: recorded, alerted once, the journey goes on (patch side-effect-failures-recorded).
    'poisoned-account-name.json',
    // A seat freed while the first try was on its way back: assigned at once (patch roster-change-before-wait).
    'roster-changed-during-first-try.json',
    'self-service-continued-last-run.json',
    'self-service-continued.json',
    // Issue 10: the scheduled summary report's workflow (compile and keep, then mail).
    'summary-report-weekly.json',
    // Begun by the code before local-activities, carried on by the current code.
    'switched-to-local-activities.json',
    // Begun by the code before updates-written-once-stored, carried on by the current code.
    'switched-to-updates-written-once-stored.json',
    'tech-touch.json',
    // Patch updates-written-once-stored: a pass with an update's change written by the regular
    // activity its own task's completion schedules.
    'updates-written-once-stored.json',
    // No CSM seat: waiting is a state, assigned on the roster-changed signal (patch csm-capacity-wait).
    'waiting-for-csm-capacity.json',
  ]);
});

it.each(files)('replays %s against the current workflow code', async (file) => {
  // The workflow id only labels errors; the history names its workflow type.
  await Worker.runReplayHistory({ workflowBundle: workflowBundle() }, load(file), file.replace(/\.json$/, ''));
});

it('reports a divergence when the workflow code changes non-deterministically', async () => {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./fixtures/changed-workflow'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  await expect(
    Worker.runReplayHistory({ workflowBundle: { code } }, load('tech-touch.json'), 'tech-touch'),
  ).rejects.toBeInstanceOf(DeterminismViolationError);
});

it('shows a running onboarding switching to the local activities at its first pass after the deploy', () => {
  const steps = workflowTasks(load('switched-to-local-activities.json'))
    .flatMap((t) => t.commands)
    .map((c) => c.replace(/^activity:/, ''));
  const switched = steps.indexOf('patch:local-activities');
  expect(switched).toBeGreaterThan(0);
  // Before the deploy: the separate activities; after it, only the local pass writes them.
  expect(steps.slice(0, switched)).toEqual(expect.arrayContaining(['projectOnboarding', 'appendAudit']));
  expect(steps.slice(0, switched).filter((s) => s.startsWith('local:'))).toEqual([]);
  expect(steps.slice(switched)).toEqual(expect.arrayContaining(['local:recordOnboardingPass', 'local:deliverMessage']));
  const regular = ['projectOnboarding', 'appendAudit', 'deliverMessage'];
  expect(steps.slice(switched).filter((s) => regular.includes(s))).toEqual([]);
});

/**
 * A local write in the workflow task that accepted an update writes what the history may never
 * hold: the task can be lost, and the client's update comes again, perhaps in another order. Since
 * updates-written-once-stored such a pass is written by a regular activity that the same task's
 * completion schedules, and a task that accepts an update writes nothing locally.
 */
describe("an update's change written only once its workflow task is stored", () => {
  const writesLocally = (t: WorkflowTask) =>
    t.commands.some((c) => c === 'local:recordOnboardingPass' || c === 'local:deliverMessage');
  const writesWhatItAccepted = (t: WorkflowTask) =>
    writesLocally(t) && t.commands.includes('WORKFLOW_EXECUTION_UPDATE_ACCEPTED');

  it('in a journey of updates: no local write beside an accepted update, the regular write scheduled instead', () => {
    const tasks = workflowTasks(load('updates-written-once-stored.json'));
    const accepting = tasks.filter((t) => t.commands.includes('WORKFLOW_EXECUTION_UPDATE_ACCEPTED'));
    expect(accepting.length).toBeGreaterThan(10);
    expect(accepting.filter(writesLocally)).toEqual([]);
    expect(accepting.filter((t) => t.commands.includes('activity:recordOnboardingPass')).length).toBeGreaterThan(5);
    // Passes without an update (the start) still write locally, and messages go locally once stored.
    expect(tasks[0].commands).toContain('local:recordOnboardingPass');
    expect(tasks.filter((t) => t.commands.includes('activity:deliverMessage'))).toEqual([]);
  });

  it('was not so before: the same journey wrote locally in the tasks that accepted its updates', () => {
    expect(workflowTasks(load('local-activities.json')).filter(writesWhatItAccepted).length).toBeGreaterThan(3);
  });

  it('a running onboarding switches at its first pass with an update after the deploy', () => {
    const tasks = workflowTasks(load('switched-to-updates-written-once-stored.json'));
    const switched = tasks.findIndex((t) => t.commands.includes('patch:updates-written-once-stored'));
    expect(switched).toBeGreaterThan(0);
    expect(tasks.slice(0, switched).filter(writesWhatItAccepted).length).toBeGreaterThan(0);
    expect(tasks.slice(switched).filter(writesWhatItAccepted)).toEqual([]);
    expect(tasks[switched].commands).toContain('activity:recordOnboardingPass');
  });
});
