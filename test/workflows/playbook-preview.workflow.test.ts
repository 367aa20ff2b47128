/**
 * The playbook preview against the workflow itself: the same scenario played on the real
 * time-skipping test server (the preview's actions sent as updates at the preview's times) and
 * previewed on the virtual clock give the same reminders, escalations and stalls, at the same
 * times. Activities are recorded, with the (skipped) time each was scheduled at.
 */
import { Context } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { CsmAssignmentActivities } from '../../src/contracts/csm-assignment.contract';
import type { NotificationActivities } from '../../src/contracts/notification.contract';
import {
  acknowledgeEscalationUpdate,
  approveGateUpdate,
  completeHandoffUpdate,
  completeTaskUpdate,
  getStateQuery,
  ONBOARDING_WORKFLOW_TYPE,
  recordMilestoneUpdate,
} from '../../src/contracts/onboarding.contract';
import type { ReadModelActivities } from '../../src/contracts/read-model.contract';
import { DEFAULT_PLAYBOOKS } from '../../src/domain/default-playbooks';
import type { AuditEntry } from '../../src/domain/outbox';
import { previewJourney } from '../../src/domain/preview';
import type { PreviewAction, PreviewScenario } from '../../src/domain/preview-scenario';
import type { Segment, Tier } from '../../src/domain/segment';
import { testingExecutable } from '../../src/infra/temporal-binaries';
import { COMPLETE_HANDOFF, onboardingInput } from '../fixtures/onboarding-input';
import { until, walkJourney } from '../support/journey-driver';
import { timeSkippingWorkflowBundle } from '../support/test-env';
import { storeAuditBySeq } from '../support/audit-keyed-by-seq';

jest.setTimeout(180_000);

const DAY = 24 * 60 * 60 * 1000;
/** The test server's clock runs on while the test sends an update: each lands up to this much late. */
const TOLERANCE_MS = 2 * 60_000;
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: testingExecutable('temporal-test-server') },
  });
});

afterAll(async () => {
  await env?.teardown();
});

/** One reminder, escalation or stall: what the comparison looks at. */
interface Occurrence {
  kind: string;
  subject: string;
  level?: number;
  roles?: string[];
  at: number;
}

interface Recorded {
  audit: AuditEntry[];
  messages: Array<{ key: string; event: string; at: number }>;
  projectedRevision: number;
}

function recordingActivities(
  recorded: Recorded,
): ReadModelActivities & NotificationActivities & CsmAssignmentActivities {
  const ana = { id: 'csm-ana', name: 'Ana Lopez', email: 'ana@vendor.example' };
  return {
    async projectOnboarding(p) {
      recorded.projectedRevision = Math.max(recorded.projectedRevision, p.state.revision);
    },
    async appendAudit(_id, entries) {
      storeAuditBySeq(recorded.audit, entries);
    },
    async recordOnboardingPass({ audit, projection }) {
      storeAuditBySeq(recorded.audit, audit);
      if (projection) recorded.projectedRevision = Math.max(recorded.projectedRevision, projection.state.revision);
    },
    async deliverMessage(m) {
      // When the workflow sent it, on the test server's (skipped) clock. A local activity's
      // schedule time is the worker's wall clock; the server's clock stands still while the
      // workflow task that runs it is open.
      const { isLocal, scheduledTimestampMs } = Context.current().info;
      recorded.messages.push({
        key: m.key,
        event: m.event,
        at: isLocal ? await env.currentTimeMs() : scheduledTimestampMs,
      });
      return { delivered: true };
    },
    async tryAssignCsm() {
      return { outcome: 'assigned', csm: ana };
    },
    async assignCsm() {
      return ana;
    },
    async releaseCsm() {},
  };
}

/** The workflow's reminders (messages), escalations and stalls (audit), in the preview's terms. */
function workflowOccurrences(recorded: Recorded, onboardingId: string): Occurrence[] {
  const found: Occurrence[] = [];
  for (const m of recorded.messages) {
    const key = m.key.slice(onboardingId.length + 1);
    if (m.event === 'task-reminder') found.push({ kind: 'reminder', subject: `task:${key.split(':')[1]}`, at: m.at });
    if (m.event === 'handoff-incomplete') found.push({ kind: 'reminder', subject: 'handoff', at: m.at });
  }
  for (const a of recorded.audit) {
    const d = a.details as Record<string, any>;
    const at = Date.parse(a.at);
    if (a.action === 'escalation-raised') {
      const subject = String(d.id).slice(0, String(d.id).lastIndexOf(':L')).replace(/@.*$/, '');
      found.push({ kind: 'escalation', subject, level: d.level, roles: [d.notify], at });
    }
    if (a.action === 'stalled') found.push({ kind: 'stall-started', subject: `stage:${d.stage}`, at });
    if (a.action === 'stall-recovered') found.push({ kind: 'stall-ended', subject: `stage:${d.stage}`, at });
  }
  return sorted(found);
}

function sorted(list: Occurrence[]): Occurrence[] {
  const key = (o: Occurrence) => `${o.kind}|${o.subject}|${o.level ?? ''}`;
  return [...list].sort((a, b) => key(a).localeCompare(key(b)) || a.at - b.at);
}

async function send(handle: WorkflowHandle, action: PreviewAction, playbook = DEFAULT_PLAYBOOKS['tech-touch']) {
  const actor = 'preview:compare';
  switch (action.command) {
    case 'completeHandoff':
      return handle.executeUpdate(completeHandoffUpdate, { args: [{ handoff: COMPLETE_HANDOFF, actor }] });
    case 'completeTask':
      return handle.executeUpdate(completeTaskUpdate, { args: [{ task: action.key, actor }] });
    case 'recordMilestone':
      return handle.executeUpdate(recordMilestoneUpdate, { args: [{ milestone: action.key, actor }] });
    case 'acknowledgeEscalation': {
      // A stall's escalation id carries the stall's start, which the real clock puts a moment later.
      const occurrence = (id: string) => id.replace(/@.*(?=:L\d+$)/, '');
      const state = await handle.query(getStateQuery);
      const open = state.escalations.find((e) => !e.acknowledgedAt && occurrence(e.id) === occurrence(action.key))!;
      return handle.executeUpdate(acknowledgeEscalationUpdate, { args: [{ escalationId: open.id, actor }] });
    }
    case 'approveGate': {
      const gate = playbook.gates.find((g) => g.key === action.key)!;
      const criteria = gate.acceptanceCriteria.map((criterion) => ({ criterion, met: true }));
      return handle.executeUpdate(approveGateUpdate, {
        args: [{ gate: gate.key, actor, role: gate.approverRoles[0], criteria }],
      });
    }
  }
}

async function sleepUntil(at: number): Promise<void> {
  const wait = at - (await env.currentTimeMs());
  if (wait > 0) await env.sleep(wait);
}

describe.each<[string, Segment, Tier, PreviewScenario]>([
  [
    'the handoff arrives 3.5 days late and the customer never connects a data source',
    'mid-market',
    'tech-touch',
    { handoffDelayDays: 3.5, never: { tasks: ['connect-data-source'] } },
  ],
  [
    'SSO is set up on day 30, far past due, and nobody approves go-live readiness',
    'enterprise',
    'high-touch',
    { complete: { tasks: { 'sso-setup': 30 } }, never: { gates: ['go-live-readiness'] }, horizonDays: 100 },
  ],
  [
    'the customer never adopts a first feature; escalations are acknowledged after 5 hours',
    'smb',
    'self-service',
    { never: { milestones: ['first-feature-adopted'] }, acknowledgeAfterHours: 5, horizonDays: 40 },
  ],
])('%s', (name, segment, tier, scenario) => {
  it('gives the same reminders, escalations and stalls on the time-skipping server as in the preview', async () => {
    const playbook = DEFAULT_PLAYBOOKS[tier];
    const recorded: Recorded = { audit: [], messages: [], projectedRevision: 0 };
    const queue = `preview-${Math.random().toString(36).slice(2)}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: queue,
      workflowBundle: timeSkippingWorkflowBundle(),
      activities: recordingActivities(recorded),
    });
    const running = worker.run();
    try {
      const closedWon = new Date(await env.currentTimeMs());
      const preview = previewJourney(playbook, scenario, { startAt: closedWon.toISOString() });
      const input = onboardingInput(`preview-${tier}`, segment, closedWon);
      if (scenario.handoffDelayDays) input.handoff = { goals: ['Replace the legacy platform'] };
      const handle = await env.client.workflow.start(ONBOARDING_WORKFLOW_TYPE, {
        taskQueue: queue,
        workflowId: input.onboardingId,
        args: [input],
      });

      for (const { at, action } of preview.actions) {
        await sleepUntil(Date.parse(at));
        await send(handle, action, playbook);
      }
      if (preview.outcome === 'completed') {
        expect((await handle.result()).status).toBe('completed');
      } else {
        await sleepUntil(Date.parse(preview.endedAt));
        await until(handle, (s) => recorded.projectedRevision === s.revision);
      }

      const expected = sorted(
        preview.events
          .filter((e) => ['reminder', 'escalation', 'stall-started', 'stall-ended'].includes(e.kind))
          .map((e) => ({
            kind: e.kind,
            subject: e.subject,
            ...(e.kind === 'escalation' ? { level: e.level, roles: e.roles } : {}),
            at: Date.parse(e.at),
          })),
      );
      const actual = workflowOccurrences(recorded, input.onboardingId).filter(
        (o) => o.at <= Date.parse(preview.endedAt) + TOLERANCE_MS,
      );
      // Not a vacuous comparison: the scenario escalates and reminds.
      expect(expected.filter((o) => o.kind === 'escalation').length).toBeGreaterThanOrEqual(3);
      expect(expected.some((o) => o.kind === 'reminder')).toBe(true);
      const withoutTime = (list: Occurrence[]) => list.map(({ at: _at, ...rest }) => rest);
      expect(withoutTime(actual)).toEqual(withoutTime(expected));
      actual.forEach((o, i) => {
        const drift = Math.abs(o.at - expected[i].at);
        if (drift > TOLERANCE_MS) throw new Error(`${o.kind} ${o.subject} L${o.level}: ${drift} ms apart`);
      });

      if (preview.outcome !== 'completed') {
        // End it by completing it: a terminated run can leave the test server an outstanding task.
        await walkJourney(handle, input, () => env.sleep(5 * DAY));
      }
    } finally {
      worker.shutdown();
      await running;
    }
  });
});
