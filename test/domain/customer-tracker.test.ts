import { customerTracker, satisfactionOpen, type TrackerSource } from '../../src/domain/customer-tracker';
import type { HypercareRecord } from '../../src/domain/hypercare';

const source: TrackerSource = {
  account: { name: 'Acme Bank' },
  status: 'in-progress',
  stageHistory: [
    { key: 'kickoff', name: 'Day 0 kickoff', enteredAt: '2027-01-01T00:00:00Z', exitedAt: '2027-01-03T00:00:00Z' },
    { key: 'access', name: 'Access', enteredAt: '2027-01-03T00:00:00Z' },
  ],
  milestones: [
    {
      key: 'first-login',
      name: 'First login',
      targetDay: 14,
      targetDate: '2027-01-15T00:00:00Z',
      achievedAt: '2027-01-05T00:00:00Z',
      evidence: 'internal evidence',
      recordedBy: 'Ana [oo_x]',
    },
  ],
  tasks: [
    {
      key: 'sso',
      name: 'Set up SSO',
      stage: 'access',
      owner: 'customer',
      dependsOn: [],
      status: 'open',
      dueAt: '2027-01-10T00:00:00Z',
    },
    { key: 'map', name: 'Map the data', stage: 'access', owner: 'implementation', dependsOn: [], status: 'open' },
    { key: 'later', name: 'Later', stage: 'access', owner: 'csm', dependsOn: ['sso'], status: 'locked' },
  ],
  csm: { id: 'csm-ana', name: 'Ana Lopez', email: 'ana@vendor.example', assignedAt: '2027-01-01T00:00:00Z' },
};

describe("the customer's tracker", () => {
  it('copies only what the customer may see, and names their next step', () => {
    const plan = [
      { key: 'kickoff', name: 'Day 0 kickoff' },
      { key: 'access', name: 'Access' },
      { key: 'cutover', name: 'Cutover' },
    ];
    expect(customerTracker(source, plan)).toEqual({
      accountName: 'Acme Bank',
      status: 'in-progress',
      stages: [
        { name: 'Day 0 kickoff', state: 'done', enteredAt: '2027-01-01T00:00:00Z', exitedAt: '2027-01-03T00:00:00Z' },
        { name: 'Access', state: 'current', enteredAt: '2027-01-03T00:00:00Z' },
        { name: 'Cutover', state: 'upcoming' },
      ],
      milestones: [{ name: 'First login', targetDate: '2027-01-15T00:00:00Z', achievedAt: '2027-01-05T00:00:00Z' }],
      openTasks: [
        { name: 'Set up SSO', owner: 'Your team', dueAt: '2027-01-10T00:00:00Z' },
        { name: 'Map the data', owner: 'Our implementation team' },
      ],
      csm: { name: 'Ana Lopez', email: 'ana@vendor.example' },
      nextStep: 'Your team: Set up SSO, due 2027-01-10.',
      satisfactionOpen: false,
    });
  });

  it('asks how it went once completed or in hypercare', () => {
    expect(customerTracker({ ...source, status: 'completed' }, []).satisfactionOpen).toBe(true);
    expect(customerTracker({ ...source, status: 'completed' }, []).nextStep).toContain('complete');
    // Cut over and watched: the customer works on the new platform already.
    expect(satisfactionOpen({ status: 'in-progress', hypercare: { status: 'watching' } as HypercareRecord })).toBe(
      true,
    );
    expect(satisfactionOpen({ status: 'in-progress' })).toBe(false);
  });
});
