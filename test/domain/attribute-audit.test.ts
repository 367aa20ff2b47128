import { attributeAudit, audit, type OutboxState } from '../../src/domain/outbox';

const state = (): OutboxState => {
  const s: OutboxState = { onboardingId: 'o-1', outbox: [], auditSeq: 0 };
  audit(s, '2027-01-01T00:00:00Z', 'system', 'onboarding-started', {});
  return s;
};
const ana = { kind: 'api-key' as const, id: 'oo_Ana00001', name: 'Ana', role: 'csm' as const };

it("names the command's principal on the entries its pass queued, and only those", () => {
  const before = state();
  audit(before, '2027-01-02T00:00:00Z', 'Ana [oo_Ana00001]', 'milestone-recorded', { milestone: 'first-login' });
  const after = attributeAudit(before, 1, { actor: 'Ana [oo_Ana00001]', principal: ana, actorNote: 'csm:ana' });
  const entries = after.outbox.map((e) => (e.kind === 'audit' ? e.entry : undefined));
  expect(entries[0]).not.toHaveProperty('principal');
  expect(entries[1]).toMatchObject({ actor: 'Ana [oo_Ana00001]', principal: ana, actorNote: 'csm:ana' });
});

it('leaves the state as it is for a command without a principal (histories from before principals)', () => {
  const before = state();
  audit(before, '2027-01-02T00:00:00Z', 'csm:ana', 'milestone-recorded', {});
  expect(attributeAudit(before, 1, { actor: 'csm:ana' })).toBe(before);
});
