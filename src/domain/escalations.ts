import type { Role } from './roles';

/** What an escalation is about: an overdue task, a missed milestone, a stall, a breach, a wait. */
export type EscalationSubjectKind = 'task' | 'milestone' | 'stage' | 'handoff' | 'hypercare' | 'csm-assignment';

/** One raised level of a ladder for one item. Its id makes it unique: one per item and level. */
export interface EscalationRecord {
  id: string;
  subject: { kind: EscalationSubjectKind; key: string };
  level: number;
  notify: Role;
  breachedAt: string;
  raisedAt: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  /** Set when the item is done (or the stall recovered): the ladder stops. */
  closedAt?: string;
}
