import type { OnboardingRecord } from '../../src/persistence/entities/onboarding-record.entity';

/** Why the read model answered a state read: the worker did not answer within the budget, or none polls. */
export type ReadModelReason = 'live-state-timeout' | 'worker-unavailable';

/** The header every state read carries: `live` (the workflow answered) or `read-model`. */
export const STATE_SOURCE_HEADER = 'Onboarding-State-Source';

/**
 * An onboarding's state as the read model last projected it: the fields of the live state the row
 * holds, under the same names, and `stateSource` saying what it is. It may trail the workflow; the
 * handoff, the sales owner, the CSM's name and the reminders are not in the row, so not here.
 */
export interface ProjectedOnboardingView {
  stateSource: {
    kind: 'read-model';
    /** The workflow's revision this row projects; the live state may be further on. */
    revision: number;
    projectedAt: string;
    reason: ReadModelReason;
  };
  onboardingId: string;
  account: { id: string; name: string };
  segment: string;
  tier: string;
  cohort?: string;
  playbookVersion: number;
  revision: number;
  status: OnboardingRecord['status'];
  stage: OnboardingRecord['stageHistory'][number] | { key: string; enteredAt: string };
  stageHistory: OnboardingRecord['stageHistory'];
  milestones: OnboardingRecord['milestones'];
  tasks: OnboardingRecord['tasks'];
  gates: OnboardingRecord['gates'];
  risks: OnboardingRecord['risks'];
  escalations: OnboardingRecord['escalations'];
  cutovers: OnboardingRecord['cutovers'];
  hypercare?: NonNullable<OnboardingRecord['hypercare']>;
  handoffMissing: string[];
  /** Only the CSM's id: the row keeps no name or address. */
  csm?: { id: string };
  waitingOn: { kind: string; since?: string };
  atRisk: boolean;
  atRiskReasons: string[];
  stalledSince?: string;
  closedWonAt: string;
  startedAt: string;
  firstValueAt?: string;
  completedAt?: string;
}

const iso = (d: Date | null): string | undefined => (d ? new Date(d).toISOString() : undefined);

export function projectedView(r: OnboardingRecord, reason: ReadModelReason): ProjectedOnboardingView {
  const current = r.stageHistory.at(-1);
  return {
    stateSource: { kind: 'read-model', revision: r.revision, projectedAt: iso(r.projectedAt)!, reason },
    onboardingId: r.id,
    account: { id: r.accountId, name: r.accountName },
    segment: r.segment,
    tier: r.tier,
    ...(r.cohort ? { cohort: r.cohort } : {}),
    playbookVersion: r.playbookVersion,
    revision: r.revision,
    status: r.status,
    stage: current?.key === r.stage ? current : { key: r.stage, enteredAt: iso(r.stageEnteredAt)! },
    stageHistory: r.stageHistory,
    milestones: r.milestones,
    tasks: r.tasks,
    gates: r.gates,
    risks: r.risks,
    escalations: r.escalations,
    cutovers: r.cutovers,
    ...(r.hypercare ? { hypercare: r.hypercare } : {}),
    handoffMissing: r.handoffMissing,
    ...(r.csmId ? { csm: { id: r.csmId } } : {}),
    waitingOn: { kind: r.waitingOn, ...(r.waitingSince ? { since: iso(r.waitingSince) } : {}) },
    atRisk: r.atRisk,
    atRiskReasons: r.atRiskReasons,
    ...(r.stalledSince ? { stalledSince: iso(r.stalledSince) } : {}),
    closedWonAt: iso(r.closedWonAt)!,
    startedAt: iso(r.startedAt)!,
    ...(r.firstValueAt ? { firstValueAt: iso(r.firstValueAt) } : {}),
    ...(r.completedAt ? { completedAt: iso(r.completedAt) } : {}),
  };
}
