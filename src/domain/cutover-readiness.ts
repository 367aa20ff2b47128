import type { CutoverPlan } from './cutover';
import type { OnboardingState } from './onboarding';
import { DAY_MS } from './time';

/**
 * The readiness gate of a cutover: every condition that does not hold, in words an operator can
 * act on. Empty means ready. (Every open risk already has an owner, a decision due date and a
 * fallback: the register refuses any other. An open blocker still blocks.)
 */
export function cutoverReadinessProblems(state: OnboardingState, plan: CutoverPlan, now: Date): string[] {
  const problems: string[] = [];
  const { readiness } = plan;
  const gate = state.gates.find((g) => g.key === readiness.gate);
  if (!gate) problems.push(`the playbook has no '${readiness.gate}' gate`);
  else if (!gate.approvedAt)
    problems.push(`gate '${gate.key}' is not approved (approver: ${gate.approverRoles.join(' or ')})`);
  for (const risk of state.risks) {
    if (risk.status === 'open' && risk.blocker)
      problems.push(`open blocker ${risk.id}: ${risk.description} (owner ${risk.owner})`);
  }
  const since = now.getTime() - readiness.rehearsalMaxAgeDays * DAY_MS;
  const rehearsal = (state.cutovers ?? [])
    .filter((c) => c.mode === 'rehearsal' && c.rehearsal?.passed && c.endedAt && Date.parse(c.endedAt) >= since)
    .at(-1);
  if (!rehearsal) problems.push(`no rehearsal passed in the last ${readiness.rehearsalMaxAgeDays} days`);
  else if ((rehearsal.reconciliation?.accuracy ?? rehearsal.rehearsal?.accuracy ?? 0) < plan.reconciliationThreshold) {
    problems.push(`the last rehearsal reconciled below ${plan.reconciliationThreshold * 100}%`);
  }
  return problems;
}
