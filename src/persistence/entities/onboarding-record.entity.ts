import { Column, Entity, PrimaryColumn } from 'typeorm';
import type {
  CutoverAttempt,
  GateRecord,
  MilestoneRecord,
  OnboardingStatus,
  RiskRecord,
  StageVisit,
  TaskRecord,
} from '../../domain/onboarding';
import type { EscalationRecord } from '../../domain/escalations';
import type { HypercareRecord } from '../../domain/hypercare';

/**
 * The read model of one onboarding, for lists and dashboards. Temporal holds the truth; this
 * row is a projection written by the workflow's activity and never edited by the API.
 */
@Entity({ name: 'onboardings' })
export class OnboardingRecord {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId: string;

  @Column({ name: 'account_name', type: 'text' })
  accountName: string;

  @Column({ type: 'text' })
  segment: string;

  @Column({ type: 'text' })
  tier: string;

  /** The cohort it is compared in (e.g. pilot-2027q1); null when none. */
  @Column({ type: 'text', nullable: true })
  cohort: string | null;

  @Column({ name: 'playbook_version', type: 'integer' })
  playbookVersion: number;

  @Column({ type: 'text' })
  status: OnboardingStatus;

  @Column({ type: 'text' })
  stage: string;

  @Column({ name: 'stage_entered_at', type: 'timestamptz' })
  stageEnteredAt: Date;

  @Column({ name: 'closed_won_at', type: 'timestamptz' })
  closedWonAt: Date;

  @Column({ name: 'first_value_at', type: 'timestamptz', nullable: true })
  firstValueAt: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'jsonb' })
  milestones: MilestoneRecord[];

  @Column({ name: 'stage_history', type: 'jsonb' })
  stageHistory: StageVisit[];

  @Column({ name: 'handoff_missing', type: 'jsonb' })
  handoffMissing: string[];

  @Column({ name: 'csm_id', type: 'text', nullable: true })
  csmId: string | null;

  @Column({ name: 'waiting_on', type: 'text' })
  waitingOn: string;

  @Column({ name: 'waiting_since', type: 'timestamptz', nullable: true })
  waitingSince: Date | null;

  @Column({ name: 'at_risk', type: 'boolean' })
  atRisk: boolean;

  @Column({ name: 'at_risk_reasons', type: 'jsonb' })
  atRiskReasons: string[];

  @Column({ name: 'stalled_since', type: 'timestamptz', nullable: true })
  stalledSince: Date | null;

  @Column({ type: 'jsonb' })
  tasks: TaskRecord[];

  @Column({ type: 'jsonb' })
  gates: GateRecord[];

  @Column({ type: 'jsonb' })
  risks: RiskRecord[];

  @Column({ type: 'jsonb' })
  escalations: EscalationRecord[];

  @Column({ type: 'jsonb' })
  cutovers: CutoverAttempt[];

  @Column({ type: 'jsonb', nullable: true })
  hypercare: HypercareRecord | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ type: 'integer' })
  revision: number;

  @Column({ name: 'projected_at', type: 'timestamptz' })
  projectedAt: Date;
}
