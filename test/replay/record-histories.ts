/**
 * Records the histories of finished onboardings for the replay regression test
 * (`npm run histories:record`). Each scenario runs on a real dev server with the current
 * workflow code and mocked activities, then its history is saved as JSON under test/histories.
 * Re-record only when a change is meant to be incompatible; otherwise the old histories are
 * exactly what must keep replaying. Names given as arguments record only those histories
 * (`npm run histories:record -- high-touch-cutover-hypercare`): a new one never rewrites the old.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import {
  approveGateUpdate,
  completeHandoffUpdate,
  ONBOARDING_WORKFLOW_TYPE,
  recordMilestoneUpdate,
  recordRiskUpdate,
  requestCutoverUpdate,
  resolveRiskUpdate,
  rosterChangedSignal,
  setCohortUpdate,
} from '../../src/contracts/onboarding.contract';
import { SUMMARY_REPORT_WORKFLOW, type SummaryReportActivities } from '../../src/contracts/summary-report.contract';
import type { OnboardingInput } from '../../src/domain/onboarding';
import { devServerSearchAttributeArgs } from '../../src/infra/search-attribute-registry';
import { createCutoverActivities } from '../../activities/cutover.activities';
import { CUTOVER_WORKFLOW_TYPE, getCutoverStateQuery, signOffStageUpdate } from '../../src/contracts/cutover.contract';
import { type CutoverInput, DEFAULT_CUTOVER_PLAN } from '../../src/domain/cutover';
import { resolveTemporalBinary, testingExecutable } from '../../src/infra/temporal-binaries';
import { startSandboxPlatform } from '../../src/sandbox/sandbox-platform';
import { workflowsPath } from '../../worker/create-worker';
import { fastCutoverPlaybook } from '../fixtures/fast-cutover-playbook';
import { COMPLETE_HANDOFF, onboardingInput } from '../fixtures/onboarding-input';
import { until, walkJourney } from '../support/journey-driver';
import { nulRefusingOnboardingActivities } from '../support/stub-activities';

/** The summary report's activities, as the workflow sees them: a stored report, mailed once. */
const summaryReportStubs: SummaryReportActivities = {
  async compileSummaryReport({ kind, periodEnd }) {
    return { reportId: `${kind}-${periodEnd.slice(0, 10)}` };
  },
  async mailSummaryReport() {
    return { mailed: true };
  },
};

/** The last commit whose workflows predate the local-activities and one-wake-up-timer patches. */
const PRE_LOCAL_ACTIVITIES_COMMIT = 'b86d76b';
/** The last commit whose workflows predate the updates-written-once-stored patch. */
const PRE_UPDATES_WRITTEN_ONCE_STORED_COMMIT = 'b2c9851';

/** A late handoff completed, then a blocking risk recorded and resolved. */
async function handoffThenRisk(h: any): Promise<void> {
  await until(h, (s) => s.status === 'handoff-incomplete');
  await h.executeUpdate(completeHandoffUpdate, { args: [{ actor: 'sales:sam', handoff: COMPLETE_HANDOFF }] });
  await until(h, (s) => !!s.csm);
  const risk = {
    category: 'cutover',
    description: 'Ledger mismatch',
    blocker: true,
    owner: 'impl:lee',
    decisionDueDate: '2027-02-01',
    fallback: 'Delay one week',
    actor: 'csm:ana',
  };
  await h.executeUpdate(recordRiskUpdate, { args: [risk] });
  await h.executeUpdate(resolveRiskUpdate, {
    args: [{ riskId: 'risk-1', resolution: 'Reconciled', actor: 'impl:lee' }],
  });
}

// Run from the project root by `npm run histories:record`.
const OUT = path.resolve(process.cwd(), 'test/histories');
const only = process.argv.slice(2);
const wanted = (name: string) => only.length === 0 || only.includes(name);

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: testingExecutable('temporal'), extraArgs: devServerSearchAttributeArgs() },
  });
  const sandbox = await startSandboxPlatform({ port: 0 });
  try {
    const taskQueue = 'record-histories';
    // Onboardings no CSM has a seat for, until their scenario frees one.
    const noSeatFor = new Set<string>();
    const holdAnswer = new Map<string, () => Promise<void>>();
    /** The onboarding gets no seat, and its first try's answer waits until `answer()`. */
    const holdFirstAnswer = (id: string) => {
      noSeatFor.add(id);
      let asked!: () => void;
      const race = { id, answer: () => {}, askedRoster: new Promise<void>((r) => (asked = r)) };
      holdAnswer.set(id, () => {
        asked();
        return new Promise<void>((r) => (race.answer = r));
      });
      return race;
    };
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: workflowsPath(),
      activities: {
        ...nulRefusingOnboardingActivities({ noSeatFor, holdAnswer }),
        ...createCutoverActivities({ baseUrl: sandbox.url }),
        ...summaryReportStubs,
      },
    });
    // Set before its onboarding starts: its first try may run before the scenario's prelude does.
    const seatRace = holdFirstAnswer('onboarding-history-seat-race');
    await worker.runUntil(async () => {
      const scenarios: Array<[string, OnboardingInput, (h: any) => Promise<void>]> = [
        [
          'high-touch-handoff-risk',
          { ...onboardingInput('history-high-touch', 'enterprise'), handoff: { goals: ['Replace the card platform'] } },
          handoffThenRisk,
        ],
        ['tech-touch', onboardingInput('history-tech-touch', 'mid-market'), async () => {}],
        // Issue 10: an onboarding put in a pilot cohort after closed-won, then taken out of it again.
        [
          'cohort-set-after-closed-won',
          onboardingInput('history-cohort', 'mid-market'),
          async (h) => {
            await until(h, (s) => !!s.csm);
            await h.executeUpdate(setCohortUpdate, { args: [{ cohort: 'pilot-2027q1', actor: 'cs-ops:olu' }] });
            await h.executeUpdate(setCohortUpdate, { args: [{ cohort: null, actor: 'cs-ops:olu' }] });
            await h.executeUpdate(setCohortUpdate, { args: [{ cohort: 'pilot-2027q2', actor: 'cs-ops:olu' }] });
          },
        ],
        // Commands as the API sends them since issue 9: the authenticated principal and the role it
        // acted in, the body's actor kept as a note; the workflow names the principal in its audit entries.
        [
          'commands-with-principals',
          onboardingInput('history-principals', 'mid-market'),
          async (h) => {
            await until(h, (s) => !!s.csm);
            const csm = { kind: 'api-key', id: 'oo_HistCsm1', name: 'Ana Lopez', role: 'csm' };
            await h.executeUpdate(recordMilestoneUpdate, {
              args: [
                {
                  milestone: 'first-login',
                  actor: 'Ana Lopez [oo_HistCsm1]',
                  principal: csm,
                  actorNote: 'csm:ana',
                  evidence: 'kickoff notes',
                },
              ],
            });
            const risk = {
              category: 'auth',
              description: 'SSO metadata late',
              blocker: false,
              owner: 'impl:lee',
              decisionDueDate: '2027-02-01',
              fallback: 'Password login for the pilot',
              actor: 'Ana Lopez [oo_HistCsm1]',
              principal: csm,
            };
            await h.executeUpdate(recordRiskUpdate, { args: [risk] });
            await h.executeUpdate(resolveRiskUpdate, {
              args: [
                {
                  riskId: 'risk-1',
                  resolution: 'Metadata received',
                  actor: 'Kim Lead [oo_HistLead]',
                  principal: { kind: 'token', id: 'kim@idp.example', name: 'Kim Lead', role: 'cs-lead' },
                },
              ],
            });
          },
        ],
        [
          'self-service-continued',
          { ...onboardingInput('history-self-service', 'smb'), historyEventLimit: 40 },
          async () => {},
        ],
        // A rehearsal, a cutover signed off by the CS lead, hypercare with a breach that clears, BAU.
        [
          'high-touch-cutover-hypercare',
          { ...onboardingInput('history-hypercare', 'enterprise'), playbook: fastCutoverPlaybook(6) },
          async (h) => {
            sandbox.reset();
            sandbox.seed(
              Array.from({ length: 60 }, (_, i) => ({
                id: `rec-${String(i).padStart(4, '0')}`,
                kind: 'account' as const,
                data: { n: i },
              })),
            );
            await until(h, (s) => !!s.csm);
            for (const milestone of [
              'success-criteria-agreed',
              'first-login',
              'initial-setup-complete',
              'first-value-achieved',
            ]) {
              await h.executeUpdate(recordMilestoneUpdate, { args: [{ milestone, actor: 'csm:ana' }] });
            }
            const criteria = ['UAT scenarios passed', 'Migration rehearsal passed', 'Rollback plan signed off'].map(
              (criterion) => ({ criterion, met: true }),
            );
            await h.executeUpdate(approveGateUpdate, {
              args: [{ gate: 'go-live-readiness', actor: 'lead:kim', role: 'cs-lead', criteria }],
            });
            await h.executeUpdate(requestCutoverUpdate, { args: [{ mode: 'rehearsal', actor: 'impl:lee' }] });
            await until(h, (s) => s.cutovers?.[0]?.status === 'succeeded');
            await h.executeUpdate(requestCutoverUpdate, { args: [{ mode: 'cutover', actor: 'impl:lee' }] });
            const cutover = env.client.workflow.getHandle('onboarding-history-hypercare:cutover:2');
            await untilCutover(cutover, 'awaiting-sign-off');
            sandbox.faults.set({ metrics: { errorRate: 0.2 } });
            await cutover.executeUpdate(signOffStageUpdate, {
              args: [{ step: 'open-to-everyone', actor: 'lead:kim', role: 'cs-lead', approve: true }],
            });
            await until(h, (s) => s.escalations.some((e) => e.subject.kind === 'hypercare' && e.level === 2));
            sandbox.faults.set({ metrics: null });
            await until(
              h,
              (s) => s.hypercare?.status === 'watch-ended' && s.hypercare.breaches.every((b) => b.clearedAt),
            );
          },
        ],
        // An account name PostgreSQL refuses (a NUL): each kind of refusal recorded and alerted once,
        // projections written sanitised, the journey completed (patch side-effect-failures-recorded).
        [
          'poisoned-account-name',
          { ...onboardingInput('history-poison', 'smb'), account: { id: 'history-poison', name: 'Acme\u0000Bank' } },
          async (h) => {
            await until(h, (s) =>
              (s.sideEffectFailures ?? []).some((f: { effect: string }) => f.effect === 'projection'),
            );
          },
        ],
        // No CSM with a free seat: waiting is a state (projected, CS lead mailed), then a seat frees
        // and the roster-changed signal assigns at once (patch csm-capacity-wait).
        [
          'waiting-for-csm-capacity',
          onboardingInput('history-no-seat', 'enterprise'),
          async (h) => {
            noSeatFor.add('onboarding-history-no-seat');
            await until(h, (s) => s.waitingOn.kind === 'csm-assignment' && !!s.csmWait);
            noSeatFor.delete('onboarding-history-no-seat');
            await h.signal(rosterChangedSignal);
            await until(h, (s) => !!s.csm);
          },
        ],
        // Since the local-activities patch: each pass's audit entries and projection in one local
        // activity, the CSM asked for and messages first tried locally, one wake-up timer per due
        // instant (patch one-wake-up-timer); a handoff, a risk, the journey.
        [
          'local-activities',
          { ...onboardingInput('history-local-work', 'enterprise'), handoff: { goals: ['Replace the card platform'] } },
          handoffThenRisk,
        ],
        // Since the updates-written-once-stored patch: a pass with an update's change is written by
        // the regular activity the update's own workflow task schedules; the same journey.
        [
          'updates-written-once-stored',
          {
            ...onboardingInput('history-updates-written-once-stored', 'enterprise'),
            handoff: { goals: ['Replace the card platform'] },
          },
          handoffThenRisk,
        ],
        // The same patch, the pass refused (a NUL in the account name): the separate writes take over.
        [
          'local-activities-refused',
          {
            ...onboardingInput('history-local-poison', 'smb'),
            account: { id: 'history-local-poison', name: 'Acme\u0000Bank' },
          },
          async (h) => {
            await until(h, (s) =>
              (s.sideEffectFailures ?? []).some((f: { effect: string }) => f.effect === 'projection'),
            );
          },
        ],
        // The same patch, no seat at first: the local tryAssignCsm answers "no seat", then a seat frees.
        [
          'local-activities-no-seat',
          onboardingInput('history-local-no-seat', 'enterprise'),
          async (h) => {
            noSeatFor.add('onboarding-history-local-no-seat');
            await until(h, (s) => s.waitingOn.kind === 'csm-assignment' && !!s.csmWait);
            noSeatFor.delete('onboarding-history-local-no-seat');
            await h.signal(rosterChangedSignal);
            await until(h, (s) => !!s.csm);
          },
        ],
        // A seat frees while the first try is on its way back with "no seat": the roster-changed
        // signal is kept, and the next try is due at once (patch roster-change-before-wait).
        [
          'roster-changed-during-first-try',
          onboardingInput('history-seat-race', 'enterprise'),
          async (h) => {
            await seatRace.askedRoster;
            noSeatFor.delete(seatRace.id);
            await h.signal(rosterChangedSignal);
            seatRace.answer();
            await until(h, (s) => !!s.csm);
          },
        ],
      ];
      for (const [name, input, prelude] of scenarios) {
        if (!wanted(name)) continue;
        const handle = await env.client.workflow.start(ONBOARDING_WORKFLOW_TYPE, {
          taskQueue,
          workflowId: input.onboardingId,
          args: [input],
        });
        await prelude(handle);
        // A short pause per step lets the workflow settle between bursts of updates, as in real life.
        await walkJourney(handle, input, () => new Promise((r) => setTimeout(r, 200)));
        await handle.result();
        // Exported by the Temporal CLI, in the JSON format the UI exports too. The first run: for a
        // continued onboarding, the history that ends in continue-as-new; and its last run.
        exportHistory(input.onboardingId, handle.firstExecutionRunId, name);
        if (input.historyEventLimit) exportHistory(input.onboardingId, undefined, `${name}-last-run`);
      }

      if (wanted('summary-report-weekly')) {
        // Issue 10: one weekly summary, compiled and kept, then mailed (activities mocked).
        const handle = await env.client.workflow.start(SUMMARY_REPORT_WORKFLOW, {
          taskQueue,
          workflowId: 'history-summary-report-weekly',
          args: [
            {
              kind: 'weekly',
              timeZone: 'Europe/Paris',
              recipients: ['cs-leadership@vendor.example'],
              periodEnd: '2027-01-04T06:00:00.000Z',
            },
          ],
        });
        await handle.result();
        exportHistory('history-summary-report-weekly', handle.firstExecutionRunId, 'summary-report-weekly');
      }

      if (wanted('switched-to-local-activities'))
        await recordSwitch('switched-to-local-activities', PRE_LOCAL_ACTIVITIES_COMMIT, 'history-switched');
      if (wanted('switched-to-updates-written-once-stored'))
        await recordSwitch(
          'switched-to-updates-written-once-stored',
          PRE_UPDATES_WRITTEN_ONCE_STORED_COMMIT,
          'history-switched-stored',
        );

      if (!wanted('cutover-failed-at-switch-sso')) return;
      // A failed cutover: SSO switch refused, the completed steps compensated in reverse order.
      sandbox.reset();
      sandbox.seed(
        Array.from({ length: 120 }, (_, i) => ({
          id: `rec-${String(i).padStart(4, '0')}`,
          kind: 'account' as const,
          data: { n: i },
        })),
      );
      const plan = {
        ...DEFAULT_CUTOVER_PLAN,
        batchSize: 50,
        retry: { initialIntervalMs: 100, stepAttempts: 2, compensationAttempts: 3 },
      };
      sandbox.faults.set({ failStep: { path: '/sso/switch', times: plan.retry.stepAttempts, status: 503 } });
      const cutover: CutoverInput = {
        cutoverId: 'history-cutover:cutover:1',
        onboardingId: 'history-cutover',
        attempt: 1,
        mode: 'cutover',
        plan,
      };
      const handle = await env.client.workflow.start(CUTOVER_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: cutover.cutoverId,
        args: [cutover],
      });
      const result = await handle.result();
      if (result.status !== 'rolled-back') throw new Error(`expected a rolled-back cutover, got ${result.status}`);
      exportHistory(cutover.cutoverId, handle.firstExecutionRunId, 'cutover-failed-at-switch-sso');
    });
  } finally {
    await sandbox.close();
    await env.teardown();
  }

  /**
   * An onboarding begun by the workflow code of an older commit (taken from git) and carried on by
   * the current code, as a deploy does to a running onboarding: it switches at its next pass.
   */
  async function recordSwitch(name: string, oldCommit: string, id: string): Promise<void> {
    const oldTree = path.resolve(`.tools/workflows-at-${oldCommit}`);
    fs.rmSync(oldTree, { recursive: true, force: true });
    fs.mkdirSync(oldTree, { recursive: true });
    // Inside the project, so the old code's imports resolve to the project's node_modules.
    execFileSync('sh', ['-c', `git archive ${oldCommit} workflows src | tar -x -C "${oldTree}"`]);
    const { code } = await bundleWorkflowCode({ workflowsPath: path.join(oldTree, 'workflows/index.ts') });
    const switchQueue = `record-histories-${name}`;
    const activities = nulRefusingOnboardingActivities({});
    const input = onboardingInput(id, 'mid-market');
    const oldWorker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: switchQueue,
      workflowBundle: { code },
      activities,
      // No cached run: the current worker must pick the run up from its history.
      maxCachedWorkflows: 0,
    });
    const handle = await env.client.workflow.start(ONBOARDING_WORKFLOW_TYPE, {
      taskQueue: switchQueue,
      workflowId: input.onboardingId,
      args: [input],
    });
    await oldWorker.runUntil(async () => {
      await until(handle, (s) => !!s.csm);
      await handle.executeUpdate(recordMilestoneUpdate, {
        args: [{ milestone: 'first-login', actor: 'csm:ana', evidence: 'before the deploy' }],
      });
      // Written by the old code before the deploy.
      await new Promise((r) => setTimeout(r, 1000));
    });
    const newWorker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: switchQueue,
      workflowsPath: workflowsPath(),
      activities,
    });
    await newWorker.runUntil(async () => {
      await walkJourney(handle, input, () => new Promise((r) => setTimeout(r, 200)));
      await handle.result();
    });
    exportHistory(input.onboardingId, handle.firstExecutionRunId, name);
    fs.rmSync(oldTree, { recursive: true, force: true });
  }

  async function untilCutover(handle: ReturnType<typeof env.client.workflow.getHandle>, status: string): Promise<void> {
    for (let i = 0; i < 600; i++) {
      if ((await handle.query(getCutoverStateQuery).catch(() => undefined))?.status === status) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`cutover never reached ${status}`);
  }

  function exportHistory(workflowId: string, runId: string | undefined, name: string): void {
    const json = execFileSync(resolveTemporalBinary('temporal')!, [
      'workflow',
      'show',
      '--address',
      env.address,
      '--workflow-id',
      workflowId,
      ...(runId ? ['--run-id', runId] : []),
      '--output',
      'json',
    ]);
    fs.writeFileSync(path.join(OUT, `${name}.json`), json);
    console.log(`recorded ${name}: ${JSON.parse(json.toString()).events.length} events`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
