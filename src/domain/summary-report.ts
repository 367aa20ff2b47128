import type { ReportPeriod } from './report-period';

/**
 * What a weekly (or monthly) summary says, compiled from the read model. The seeds ask for "one
 * weekly summary linking open blockers, decision owners, and expected customer impact": each
 * blocker carries all three.
 */
export interface SummaryReport {
  period: ReportPeriod;
  generatedAt: string;
  counts: { started: number; completed: number; active: number; atRisk: number; stalled: number };
  /** One entry per local day of the period, for the chart. */
  daily: Array<{ date: string; started: number; completed: number }>;
  /** Open blockers as of compilation, earliest decision first. */
  blockers: BlockerLine[];
  /** Escalations raised during the period. */
  escalations: EscalationLine[];
  /** Onboardings stalled as of compilation, and what they wait on. */
  stalls: StallLine[];
  /**
   * Sections other modules contribute (red flags, pilot progress, src/reports/*-section.ts):
   * filled by the section sources the worker is given.
   */
  sections: ReportSection[];
}

export interface OnboardingRef {
  onboardingId: string;
  accountName: string;
  tier: string;
  stage: string;
  csmId: string | null;
}

export interface BlockerLine extends OnboardingRef {
  riskId: string;
  category: string;
  description: string;
  owner: string;
  decisionDueDate: string;
  fallback: string;
  recordedAt: string;
  /** Days past the decision due date (0 when not yet due). */
  daysOverdue: number;
  expectedImpact: string;
}

export interface EscalationLine extends OnboardingRef {
  escalationId: string;
  subject: string;
  level: number;
  notify: string;
  raisedAt: string;
  acknowledged: boolean;
  closed: boolean;
}

export interface StallLine extends OnboardingRef {
  stalledSince: string;
  waitingOn: string;
  waitingSince: string | null;
}

/** A titled list of lines another module adds to the report (e.g. `red-flags`, `pilot-progress`). */
export interface ReportSection {
  key: string;
  title: string;
  lines: string[];
  /** The lines call for action (red flags raised): the HTML shows them in red, the text marks them. */
  alert?: boolean;
  /** Titled sublists after the lines (one per pilot cohort), so a reader sees where each begins. */
  groups?: ReportSectionGroup[];
}

export interface ReportSectionGroup {
  heading: string;
  lines: string[];
}

const DAY_MS = 86_400_000;

/** Whole days from the due date (YYYY-MM-DD, end of that day UTC) to `now`; 0 when not past. */
export function daysOverdue(decisionDueDate: string, now: Date): number {
  const due = Date.parse(`${decisionDueDate.slice(0, 10)}T23:59:59.999Z`);
  if (Number.isNaN(due) || now.getTime() <= due) return 0;
  return Math.ceil((now.getTime() - due) / DAY_MS);
}

/**
 * The customer impact a reader should expect if the blocker stays: which customer it holds and
 * where, how late the decision is, and what happens by default (the risk's fallback).
 */
export function expectedImpact(
  blocker: Pick<BlockerLine, 'accountName' | 'tier' | 'stage' | 'fallback' | 'decisionDueDate'>,
  now: Date,
): string {
  const overdue = daysOverdue(blocker.decisionDueDate, now);
  const when = overdue > 0 ? `decision ${overdue} day(s) overdue` : `decision due ${blocker.decisionDueDate}`;
  return `Holds ${blocker.accountName} (${blocker.tier}) in ${blocker.stage}; ${when}; otherwise: ${blocker.fallback}`;
}
