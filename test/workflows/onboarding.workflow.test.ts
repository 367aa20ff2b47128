/**
 * The onboarding workflow over whole journeys on the real time-skipping test server: 90 days
 * run in seconds. Activities are mocked (recorded), so what the workflow decides to write and
 * send can be asserted exactly.
 */
import { type WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { CsmAssignmentActivities } from '../../src/contracts/csm-assignment.contract';
import type { NotificationActivities, OutboundMessage } from '../../src/contracts/notification.contract';
import {
  acknowledgeEscalationUpdate,
  approveGateUpdate,
  completeHandoffUpdate,
  completeTaskUpdate,
  getStateQuery,
  ONBOARDING_WORKFLOW_TYPE,
  type OnboardingView,
  recordMilestoneUpdate,
  recordRiskUpdate,
} from '../../src/contracts/onboarding.contract';
import type { OnboardingProjection, ReadModelActivities } from '../../src/contracts/read-model.contract';
import type { OnboardingInput } from '../../src/domain/onboarding';
import type { AuditEntry } from '../../src/domain/outbox';
import type { Segment } from '../../src/domain/segment';
import { testingExecutable } from '../../src/infra/temporal-binaries';
import { COMPLETE_HANDOFF, onboardingInput } from '../fixtures/onboarding-input';
import { until, walkJourney } from '../support/journey-driver';
import { timeSkippingWorkflowBundle } from '../support/test-env';
import { storeAuditBySeq } from '../support/audit-keyed-by-seq';

jest.setTimeout(120_000);

const DAY = 24 * 60 * 60 * 1000;
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: testingExecutable('temporal-test-server') },
  });
});

afterAll(async () => {
  await env?.teardown();
});

/** What the mocked activities were asked to do. */
interface Recorded {
  projections: OnboardingProjection[];
  audit: AuditEntry[];
  messages: OutboundMessage[];
  assignmentTries: string[];
  /** CSM seats left for tryAssignCsm. */
  seatsFree: number;
}

function recordingActivities(
  recorded: Recorded,
): ReadModelActivities & NotificationActivities & CsmAssignmentActivities {
  return {
    async projectOnboarding(p) {
      recorded.projections.push(p);
    },
    async appendAudit(_id, entries) {
      storeAuditBySeq(recorded.audit, entries);
    },
    async recordOnboardingPass({ audit, projection }) {
      storeAuditBySeq(recorded.audit, audit);
      if (projection) recorded.projections.push(projection);
    },
    async deliverMessage(m) {
      recorded.messages.push(m);
      return { delivered: true };
    },
    async tryAssignCsm({ onboardingId }) {
      recorded.assignmentTries.push(onboardingId);
      if (recorded.seatsFree === 0) return { outcome: 'no-capacity' };
      recorded.seatsFree -= 1;
      return { outcome: 'assigned', csm: { id: 'csm-ana', name: 'Ana Lopez', email: 'ana@vendor.example' } };
    },
    async assignCsm() {
      return { id: 'csm-ana', name: 'Ana Lopez', email: 'ana@vendor.example' };
    },
    async releaseCsm() {},
  };
}

const taskQueue = () => `wf-test-${Math.random().toString(36).slice(2)}`;

async function startWorker(queue: string, recorded: Recorded, options: { maxCachedWorkflows?: number } = {}) {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: queue,
    workflowBundle: timeSkippingWorkflowBundle(),
    activities: recordingActivities(recorded),
    ...options,
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

async function withWorker<T>(fn: (recorded: Recorded, queue: string) => Promise<T>): Promise<T> {
  const recorded: Recorded = { projections: [], audit: [], messages: [], assignmentTries: [], seatsFree: Infinity };
  const queue = taskQueue();
  const worker = await startWorker(queue, recorded);
  try {
    return await fn(recorded, queue);
  } finally {
    await worker.stop();
  }
}

async function start(queue: string, input: OnboardingInput) {
  return env.client.workflow.start(ONBOARDING_WORKFLOW_TYPE, {
    taskQueue: queue,
    workflowId: input.onboardingId,
    args: [input],
  });
}

async function refusal(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

/**
 * Ends a test's onboarding by completing it. Terminating one instead can leave an activity task
 * the test server counts as outstanding, and it then skips no time for the next test.
 */
async function finish(handle: WorkflowHandle, input: OnboardingInput): Promise<void> {
  await walkJourney(handle, input, () => env.sleep(5 * DAY));
  expect((await handle.result()).status).toBe('completed');
}

describe.each<[Segment, number]>([
  ['enterprise', 20],
  ['mid-market', 9],
  ['smb', 4],
])('a %s onboarding', (segment, stepDays) => {
  it("runs its whole journey to completion, with the tier's messages, audit trail and projections", async () => {
    await withWorker(async (recorded, queue) => {
      const input = onboardingInput(`journey-${segment}`, segment, new Date(await env.currentTimeMs()));
      const handle = await start(queue, input);
      await walkJourney(handle, input, () => env.sleep(stepDays * DAY));
      const result: OnboardingView = await handle.result();

      expect(result.status).toBe('completed');
      expect(result.stageHistory.map((v) => v.key)).toEqual(input.playbook.stages.map((s) => s.key));
      expect(result.milestones.every((m) => m.achievedAt && m.recordedBy === 'csm:ana')).toBe(true);
      // Tasks were done in dependency order (the last stage's may still be open at completion).
      const doneAt = new Map(
        result.tasks.filter((t) => t.status === 'done').map((t) => [t.key, Date.parse(t.completedAt!)]),
      );
      expect(doneAt.size).toBeGreaterThan(0);
      for (const t of result.tasks.filter((x) => x.status === 'done')) {
        for (const dep of t.dependsOn) expect(doneAt.get(dep)).toBeLessThanOrEqual(doneAt.get(t.key)!);
      }
      expect(result.timeToValueDays).toBeGreaterThan(0);
      const days = (Date.parse(result.completedAt!) - Date.parse(result.closedWonAt)) / DAY;
      expect(days).toBeLessThanOrEqual(120);

      // Messages: the tier's own welcome, each milestone, an executive touchpoint, completion; each once.
      const welcome = input.playbook.messages.find((m) => m.event === 'welcome')!;
      const events = recorded.messages.map((m) => m.event);
      expect(recorded.messages.find((m) => m.event === 'welcome')!.subject).toBe(
        welcome.subject.replace('{{account.name}}', input.account.name),
      );
      expect(events.filter((e) => e === 'milestone-achieved')).toHaveLength(input.playbook.milestones.length);
      expect(events).toContain('executive-touchpoint');
      expect(events.at(-1)).toBe('completed');
      expect(new Set(recorded.messages.map((m) => m.key)).size).toBe(recorded.messages.length);

      // The audit log is complete and in order, and the read model ends on the final state.
      expect(recorded.audit.map((a) => a.seq)).toEqual(recorded.audit.map((_, i) => i + 1));
      expect(recorded.audit.filter((a) => a.action === 'milestone-recorded')).toHaveLength(
        input.playbook.milestones.length,
      );
      expect(recorded.projections.at(-1)!.state).toMatchObject({ status: 'completed', revision: result.revision });
    });
  });
});

it('detects a stalled onboarding, escalates it level by level, and recovers on progress', async () => {
  await withWorker(async (recorded, queue) => {
    const input = onboardingInput('wf-stall', 'mid-market', new Date(await env.currentTimeMs()));
    const handle = await start(queue, input);
    await until(handle, (s) => !!s.csm);

    await env.sleep(14 * DAY + 60_000); // tech-touch stalls after 14 days without progress at a stage
    const stalled = await until(handle, (s) => !!s.stalledSince);
    expect(stalled.atRisk).toBe(true);
    expect(stalled.atRiskReasons[0]).toMatch(/^stalled at Welcome/);
    expect(stalled.waitingOn).toMatchObject({ kind: 'milestone', items: ['first-login'] });
    expect(recorded.messages.filter((m) => m.event === 'stalled')).toHaveLength(1);

    await env.sleep(2 * DAY + 60_000); // CS lead 48 h after the CSM
    const escalated = await until(handle, (s) => s.escalations.filter((e) => e.subject.kind === 'stage').length === 2);
    expect(escalated.escalations.filter((e) => e.subject.kind === 'stage').map((e) => [e.level, e.notify])).toEqual([
      [1, 'csm'],
      [2, 'cs-lead'],
    ]);
    const escalationMails = recorded.messages.filter((m) => m.event === 'escalation' && m.key.includes(':stage:'));
    expect(escalationMails.map((m) => m.to)).toEqual([['ana@vendor.example'], ['cs-lead@onboarding.example']]);

    const recovered = await handle.executeUpdate(recordMilestoneUpdate, {
      args: [{ milestone: 'first-login', actor: 'product' }],
    });
    expect(recovered.stalledSince).toBeUndefined();
    expect(recovered.escalations.filter((e) => e.subject.kind === 'stage').every((e) => e.closedAt)).toBe(true);
    expect(recovered.atRiskReasons.some((r) => r.startsWith('stalled'))).toBe(false);
    await finish(handle, input);
  });
});

it('waits on an incomplete handoff, reminds and escalates to Sales, and starts once the handoff is completed', async () => {
  await withWorker(async (recorded, queue) => {
    const input = {
      ...onboardingInput('wf-handoff', 'enterprise', new Date(await env.currentTimeMs())),
      handoff: { goals: ['Replace the card platform'] },
    };
    const handle = await start(queue, input);
    const waiting = await until(handle, (s) => s.status === 'handoff-incomplete');
    expect(waiting.waitingOn.kind).toBe('handoff');
    expect(waiting.csm).toBeUndefined();

    await env.sleep(DAY + 60_000);
    await until(handle, (s) => s.escalations.length === 1);
    const toSales = recorded.messages.filter((m) => m.to.includes('sam.carter@vendor.example'));
    expect(toSales.map((m) => m.event)).toEqual(['handoff-incomplete', 'handoff-incomplete', 'escalation']);
    expect(toSales[0].body).toContain('targetGoLive');

    const refused = await refusal(
      handle.executeUpdate(completeTaskUpdate, { args: [{ task: 'kickoff-call', actor: 'csm:ana' }] }),
    );
    expect(refused.type).toBe('HandoffIncomplete');

    await handle.executeUpdate(completeHandoffUpdate, { args: [{ actor: 'sales:sam', handoff: COMPLETE_HANDOFF }] });
    const startedJourney = await until(handle, (s) => !!s.csm);
    expect(startedJourney.status).toBe('in-progress');
    expect(startedJourney.escalations.every((e) => e.closedAt)).toBe(true);
    await until(handle, () => recorded.messages.some((m) => m.event === 'welcome'));
    expect(recorded.messages.find((m) => m.event === 'welcome')!.to).toEqual(
      expect.arrayContaining(['dana.whitfield@customer.example', 'ana@vendor.example']),
    );
    await finish(handle, input);
  });
});

it('waits for a CSM with a free seat as a state: projected, audited and the CS lead mailed at once, assigned by the 15-minute retry', async () => {
  await withWorker(async (recorded, queue) => {
    recorded.seatsFree = 0;
    const input = onboardingInput('wf-no-seat', 'enterprise', new Date(await env.currentTimeMs()));
    const handle = await start(queue, input);
    const waiting = await until(
      handle,
      (s) => s.waitingOn.kind === 'csm-assignment' && recorded.projections.length > 0,
    );
    expect(waiting.csmWait).toMatchObject({ attempts: 1 });
    expect(recorded.projections[0].waitingOn).toMatchObject({ kind: 'csm-assignment', since: waiting.csmWait!.since });
    await until(handle, () => recorded.messages.some((m) => m.event === 'no-csm-capacity'));
    expect(recorded.messages.find((m) => m.event === 'no-csm-capacity')!.to).toEqual(['cs-lead@onboarding.example']);
    expect(recorded.audit.map((a) => a.action)).toEqual(['onboarding-started', 'csm-assignment-waiting']);

    // Still full at the first retry; a seat frees before the second.
    await env.sleep(16 * 60_000);
    await until(handle, (s) => s.csmWait?.attempts === 2);
    recorded.seatsFree = 1;
    await env.sleep(15 * 60_000);
    const assigned = await until(handle, (s) => !!s.csm);
    expect(assigned.csmWait).toBeUndefined();
    expect(recorded.assignmentTries).toEqual([
      'onboarding-wf-no-seat',
      'onboarding-wf-no-seat',
      'onboarding-wf-no-seat',
    ]);
    expect(recorded.audit.find((a) => a.action === 'csm-assigned')!.details).toMatchObject({
      waitedSince: waiting.csmWait!.since,
      attempts: 2,
    });
    await finish(handle, input);
  });
});

it('refuses a task before its prerequisite, a gate approval by the wrong role, and a blocker without a fallback', async () => {
  await withWorker(async (_recorded, queue) => {
    const input = onboardingInput('wf-refusals', 'enterprise', new Date(await env.currentTimeMs()));
    const handle = await start(queue, input);
    await until(handle, (s) => !!s.csm);

    const early = await refusal(
      handle.executeUpdate(completeTaskUpdate, {
        args: [{ task: 'confirm-success-criteria', actor: 'customer:dana' }],
      }),
    );
    expect(early).toMatchObject({ type: 'TaskLocked', message: expect.stringContaining('kickoff-call') });

    const gate = input.playbook.gates[0];
    const criteria = gate.acceptanceCriteria.map((criterion) => ({ criterion, met: true }));
    const wrongRole = await refusal(
      handle.executeUpdate(approveGateUpdate, { args: [{ gate: gate.key, actor: 'ana', role: 'csm', criteria }] }),
    );
    expect(wrongRole).toMatchObject({ type: 'GateApproverNotAllowed', message: expect.stringContaining('cs-lead') });

    const blocker = {
      category: 'data' as const,
      description: 'Source export incomplete',
      blocker: true,
      owner: 'impl:lee',
      decisionDueDate: '2027-01-10',
      fallback: '',
      actor: 'csm:ana',
    };
    const noFallback = await refusal(handle.executeUpdate(recordRiskUpdate, { args: [blocker] }));
    expect(noFallback).toMatchObject({ type: 'InvalidRisk', message: expect.stringContaining('fallback') });

    const state = await handle.query(getStateQuery);
    expect(state.risks).toEqual([]);
    expect(state.tasks.find((t) => t.key === 'confirm-success-criteria')!.status).toBe('locked');
    const accepted = await handle.executeUpdate(recordRiskUpdate, {
      args: [{ ...blocker, fallback: 'Migrate in two waves' }],
    });
    expect(accepted.atRisk).toBe(true);
    await finish(handle, input);
  });
});

it('changes nothing when the worker restarts in the middle of a journey', async () => {
  const recorded: Recorded = { projections: [], audit: [], messages: [], assignmentTries: [], seatsFree: Infinity };
  const queue = taskQueue();
  const input = onboardingInput('wf-restart', 'mid-market', new Date(await env.currentTimeMs()));

  // No workflow cache: every workflow task replays the history from the start, and the test
  // server does not route queries to the sticky queue of a worker that is gone.
  const first = await startWorker(queue, recorded, { maxCachedWorkflows: 0 });
  const handle = await start(queue, input);
  await until(handle, (s) => !!s.csm);
  await handle.executeUpdate(recordMilestoneUpdate, { args: [{ milestone: 'first-login', actor: 'product' }] });
  await env.sleep(8 * DAY); // past due: task reminders and an escalation
  await until(handle, (s) => s.escalations.length > 0);
  // Stop while the workflow is idle, between two timers: its side effects all carried out.
  const before = await until(handle, (s) => recorded.projections.at(-1)?.state.revision === s.revision);
  await first.stop();

  const second = await startWorker(queue, recorded, { maxCachedWorkflows: 0 });
  try {
    const after = await handle.query(getStateQuery);
    expect(after).toEqual(before);
    await handle.executeUpdate(acknowledgeEscalationUpdate, {
      args: [{ escalationId: before.escalations[0].id, actor: 'csm:ana' }],
    });
    await walkJourney(handle, input, () => env.sleep(9 * DAY));
    expect((await handle.result()).status).toBe('completed');
  } finally {
    await second.stop();
  }
  // Replays on the new worker re-ran no side effect: every message and audit entry exactly once.
  expect(new Set(recorded.messages.map((m) => m.key)).size).toBe(recorded.messages.length);
  expect(recorded.audit.map((a) => a.seq)).toEqual(recorded.audit.map((_, i) => i + 1));
});

it('continues as new when its history grows, carrying the whole state, and sends nothing twice', async () => {
  await withWorker(async (recorded, queue) => {
    const input = {
      ...onboardingInput('wf-long', 'mid-market', new Date(await env.currentTimeMs())),
      historyEventLimit: 60,
    };
    const handle = await start(queue, input);
    await walkJourney(handle, input, () => env.sleep(9 * DAY));
    const result: OnboardingView = await handle.result();
    expect(result.status).toBe('completed');

    const firstRun = await env.client.workflow.getHandle(input.onboardingId, handle.firstExecutionRunId).fetchHistory();
    expect(firstRun.events!.at(-1)!.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    expect(firstRun.events!.length).toBeLessThan(120);
    expect(new Set(recorded.messages.map((m) => m.key)).size).toBe(recorded.messages.length);
    expect(recorded.audit.map((a) => a.seq)).toEqual(recorded.audit.map((_, i) => i + 1));
    expect(result.milestones.every((m) => m.achievedAt)).toBe(true);
  });
});
