/**
 * Refused side effects, pure: recorded once per kind with an alert that carries no refused
 * data, counted after that, an at-risk reason, and the sanitising copy of the fallback write.
 */
import { assignCsm } from '../../src/domain/commands';
import { atRiskReasons, startOnboarding } from '../../src/domain/onboarding';
import {
  projectionNeedsSanitising,
  recordSideEffectFailure,
  withoutUnstorableCharacters,
} from '../../src/domain/side-effects';
import { onboardingInput } from '../fixtures/onboarding-input';
import { audits, notices } from '../support/domain-outbox';

const t0 = new Date('2026-04-01T10:00:00Z');
const t1 = new Date('2026-04-01T11:00:00Z');

function poisoned() {
  const input = onboardingInput('acct-poison', 'mid-market', t0);
  input.account.name = 'Acme\u0000Bank';
  const state = assignCsm(
    startOnboarding(input, t0),
    input.playbook,
    { id: 'csm-x', name: 'X', email: 'x@vendor.example' },
    t0,
  );
  return { ...state, outbox: [] };
}

const refusal = {
  effect: 'projection' as const,
  type: 'PermanentWriteFailure',
  code: '22021',
  fallback: 'sanitised' as const,
  item: 'revision 3',
};

it('records the first refusal of a kind with an audit entry and a cs-ops alert that carry codes and keys only', () => {
  const before = poisoned();
  const state = recordSideEffectFailure(before, refusal, t0);
  expect(state.revision).toBe(before.revision + 1);
  expect(state.sideEffectFailures).toEqual([
    {
      effect: 'projection',
      type: 'PermanentWriteFailure',
      code: '22021',
      firstAt: t0.toISOString(),
      lastAt: t0.toISOString(),
      occurrences: 1,
      lastItem: 'revision 3',
      fallback: 'sanitised',
    },
  ]);
  expect(audits(state).map((a) => [a.action, a.details])).toEqual([
    [
      'side-effect-failed',
      { effect: 'projection', type: 'PermanentWriteFailure', code: '22021', item: 'revision 3', fallback: 'sanitised' },
    ],
  ]);
  const [alert] = notices(state);
  expect(alert).toMatchObject({
    event: 'side-effect-failed',
    key: 'onboarding-acct-poison:side-effect-failed:projection:PermanentWriteFailure:22021',
  });
  // Neither the alert nor its audit entry carry the poisoned value.
  expect(JSON.stringify(state.outbox)).not.toContain('\\u0000');
  expect(atRiskReasons(state)).toEqual([
    `projection refused 1 time(s) since ${t0.toISOString()} (PermanentWriteFailure 22021; stored without the refused characters)`,
  ]);
  expect(projectionNeedsSanitising(state)).toBe(true);
});

it('only counts later refusals of the same kind, and alerts again for another kind', () => {
  let state = recordSideEffectFailure(poisoned(), refusal, t0);
  state = { ...state, outbox: [] };
  state = recordSideEffectFailure(state, { ...refusal, item: 'revision 5' }, t1);
  expect(state.outbox).toEqual([]);
  expect(state.sideEffectFailures![0]).toMatchObject({
    occurrences: 2,
    firstAt: t0.toISOString(),
    lastAt: t1.toISOString(),
    lastItem: 'revision 5',
  });

  state = recordSideEffectFailure(
    state,
    { effect: 'message', type: 'MessageRefused', code: '550', fallback: 'none', item: 'k:welcome' },
    t1,
  );
  expect(notices(state).map((n) => n.event)).toEqual(['side-effect-failed']);
  expect(atRiskReasons(state)[1]).toBe(
    `message refused 1 time(s) since ${t1.toISOString()} (MessageRefused 550; not delivered)`,
  );
  expect(projectionNeedsSanitising({ ...poisoned(), sideEffectFailures: [state.sideEffectFailures![1]] })).toBe(false);
});

it('strips NUL characters from every string of a copy, keys included, and leaves the rest alone', () => {
  const value = {
    name: 'Acme\u0000Bank',
    list: ['a\u0000', 1, null, true],
    nested: { 'k\u0000': 'v' },
    when: '2026-04-01',
  };
  expect(withoutUnstorableCharacters(value)).toEqual({
    name: 'AcmeBank',
    list: ['a', 1, null, true],
    nested: { k: 'v' },
    when: '2026-04-01',
  });
  expect(value.name).toBe('Acme\u0000Bank');
});

it('replaces unpaired surrogates (which jsonb refuses) and keeps paired ones (emoji)', () => {
  expect(withoutUnstorableCharacters({ a: 'x\uD800y', b: 'z\uDFFF', c: 'ok \uD83D\uDE00' })).toEqual({
    a: 'x\uFFFDy',
    b: 'z\uFFFD',
    c: 'ok \uD83D\uDE00',
  });
});
