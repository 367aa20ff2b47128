import type { OnboardingState } from '../../src/domain/onboarding';
import type { Effect } from '../../src/domain/outbox';
import { OnboardingRuleViolation } from '../../src/domain/onboarding-rule-violation';

/** The rule violation `fn` throws; fails the test if it throws nothing or something else. */
export function violation(fn: () => unknown): OnboardingRuleViolation {
  try {
    fn();
  } catch (err) {
    if (err instanceof OnboardingRuleViolation) return err;
    throw err;
  }
  throw new Error('expected a rule violation');
}

/** The notices the rules queued, in order. */
export const notices = (state: OnboardingState) =>
  state.outbox.filter((e): e is Extract<Effect, { kind: 'notice' }> => e.kind === 'notice').map((e) => e.notice);

/** The audit entries the rules queued, in order. */
export const audits = (state: OnboardingState) =>
  state.outbox.filter((e): e is Extract<Effect, { kind: 'audit' }> => e.kind === 'audit').map((e) => e.entry);
