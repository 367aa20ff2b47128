import { missingHandoffFields } from '../../src/domain/handoff';
import { recordMilestone, startOnboarding, timeToValueDays } from '../../src/domain/onboarding';
import { OnboardingRuleViolation } from '../../src/domain/onboarding-rule-violation';
import { tierForSegment } from '../../src/domain/segment';
import { COMPLETE_HANDOFF, onboardingInput } from '../fixtures/onboarding-input';

const DAY = 24 * 60 * 60 * 1000;
const closedWon = new Date('2026-01-05T09:00:00Z');
const at = (days: number) => new Date(closedWon.getTime() + days * DAY);

function violation(fn: () => unknown): OnboardingRuleViolation {
  try {
    fn();
  } catch (err) {
    if (err instanceof OnboardingRuleViolation) return err;
    throw err;
  }
  throw new Error('expected a rule violation');
}

describe('segment to tier', () => {
  it('maps enterprise, mid-market and SMB to high-touch, tech-touch and self-service', () => {
    expect(['enterprise', 'mid-market', 'smb'].map((s) => tierForSegment(s as never))).toEqual([
      'high-touch',
      'tech-touch',
      'self-service',
    ]);
  });
});

describe('handoff checklist', () => {
  it('is complete when every mandatory field is present', () => {
    expect(missingHandoffFields(COMPLETE_HANDOFF)).toEqual([]);
  });

  it('names each missing field, including an executive sponsor among the stakeholders', () => {
    const handoff = { ...COMPLETE_HANDOFF, goals: [], stakeholders: [{ name: 'Ravi', role: 'IT' }], migrationScope: undefined };
    expect(missingHandoffFields(handoff)).toEqual(['goals', 'executiveSponsor', 'migrationScope']);
    expect(missingHandoffFields({})).toHaveLength(9);
  });

  it('starts an onboarding with missing fields as handoff-incomplete', () => {
    const input = { ...onboardingInput('acct-h'), handoff: { goals: ['x'] } };
    const state = startOnboarding(input, closedWon);
    expect(state.status).toBe('handoff-incomplete');
    expect(state.handoffMissing).toContain('targetGoLive');
  });
});

describe('milestones and stages', () => {
  const input = onboardingInput('acct-1', 'mid-market', closedWon);
  const stages = input.playbook.stages;
  const start = () => startOnboarding(input, closedWon);

  it('starts in the first stage with every milestone pending and its target date set', () => {
    const state = start();
    expect(state.status).toBe('in-progress');
    expect(state.stage.key).toBe('welcome');
    expect(state.milestones.every((m) => !m.achievedAt)).toBe(true);
    const firstLogin = state.milestones.find((m) => m.key === 'first-login')!;
    expect(firstLogin.targetDate).toBe(at(3).toISOString());
  });

  it('moves to the next stage when the stage exit milestone is achieved, and records who and when', () => {
    const state = recordMilestone(start(), stages, { milestone: 'first-login', actor: 'csm:ana', evidence: 'login log' }, at(2));
    expect(state.stage.key).toBe('technical-setup');
    expect(state.stageHistory.map((v) => [v.key, v.exitedAt])).toEqual([
      ['welcome', at(2).toISOString()],
      ['technical-setup', undefined],
    ]);
    const m = state.milestones.find((x) => x.key === 'first-login')!;
    expect(m).toMatchObject({ achievedAt: at(2).toISOString(), recordedBy: 'csm:ana', source: 'api', withinTarget: true });
    expect(state.revision).toBe(2);
  });

  it('marks a milestone achieved after its target day as not within target', () => {
    const state = recordMilestone(start(), stages, { milestone: 'first-login', actor: 'csm:ana' }, at(4));
    expect(state.milestones.find((x) => x.key === 'first-login')!.withinTarget).toBe(false);
  });

  it('uses a reported achievedAt for the target check and for time to value', () => {
    let state = start();
    state = recordMilestone(
      state,
      stages,
      { milestone: 'first-value-achieved', actor: 'crm', achievedAt: at(12).toISOString() },
      at(20),
    );
    expect(timeToValueDays(state)).toBe(12);
    // Out of order: the stage stays until its own exit milestone arrives.
    expect(state.stage.key).toBe('welcome');
  });

  it('completes after the last stage exit milestone', () => {
    let state = start();
    for (const [i, key] of ['first-login', 'initial-setup-complete', 'first-feature-adopted', 'first-value-achieved', 'bau-accepted'].entries()) {
      state = recordMilestone(state, stages, { milestone: key, actor: 'csm:ana' }, at(i + 1));
    }
    expect(state.status).toBe('completed');
    expect(state.completedAt).toBe(at(5).toISOString());
    expect(state.stageHistory.every((v) => v.exitedAt)).toBe(true);
  });

  it('refuses unknown, repeated, future, pre-closed-won and anonymous milestones with a code and a reason', () => {
    const recorded = recordMilestone(start(), stages, { milestone: 'first-login', actor: 'csm:ana' }, at(1));
    expect(violation(() => recordMilestone(start(), stages, { milestone: 'go-live', actor: 'a' }, at(1)))).toMatchObject({
      code: 'UnknownMilestone',
      message: expect.stringContaining("'go-live'"),
    });
    expect(violation(() => recordMilestone(recorded, stages, { milestone: 'first-login', actor: 'a' }, at(2))).code).toBe(
      'MilestoneAlreadyRecorded',
    );
    expect(
      violation(() => recordMilestone(start(), stages, { milestone: 'first-login', actor: 'a', achievedAt: at(9).toISOString() }, at(1))).message,
    ).toMatch(/future/);
    expect(
      violation(() => recordMilestone(start(), stages, { milestone: 'first-login', actor: 'a', achievedAt: at(-1).toISOString() }, at(1))).message,
    ).toMatch(/before closed-won/);
    expect(violation(() => recordMilestone(start(), stages, { milestone: 'first-login', actor: '' }, at(1))).message).toMatch(/actor/);
  });
});
