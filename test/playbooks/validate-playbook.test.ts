/**
 * validatePlaybook: the defaults pass; each kind of mistake is reported at its path with a
 * message that says what is wrong, and every mistake of a playbook is reported at once.
 */
import { DEFAULT_PLAYBOOKS } from '../../src/domain/default-playbooks';
import type { Playbook } from '../../src/domain/playbook';
import { formatPath, type PlaybookError, validatePlaybook } from '../../src/playbooks/validate-playbook';

const highTouch = () => structuredClone(DEFAULT_PLAYBOOKS['high-touch']);
const techTouch = () => structuredClone(DEFAULT_PLAYBOOKS['tech-touch']);

function errorsOf(input: unknown): PlaybookError[] {
  const result = validatePlaybook(input);
  if (result.ok) throw new Error('expected the playbook to be invalid');
  return result.errors;
}

/** The index of the element with this key, so the tests do not hard-code positions. */
const at = (list: Array<{ key: string }>, key: string) => {
  const i = list.findIndex((x) => x.key === key);
  if (i < 0) throw new Error(`no ${key}`);
  return i;
};

it.each(Object.values(DEFAULT_PLAYBOOKS).map((p) => [p.tier, p] as const))(
  'accepts the default %s playbook as it is',
  (_tier, playbook) => {
    const result = validatePlaybook(structuredClone(playbook));
    expect(result).toEqual({ ok: true, playbook });
  },
);

it('accepts templates for the no-csm-capacity and side-effect-failed events and a csm-capacity ladder', () => {
  const playbook = highTouch();
  expect(playbook.messages.map((m) => m.event)).toEqual(
    expect.arrayContaining(['no-csm-capacity', 'side-effect-failed']),
  );
  playbook.escalationLadders.push({ key: 'csm-capacity', levels: [{ notify: 'cs-lead', afterHours: 4 }] });
  expect(validatePlaybook(structuredClone(playbook))).toEqual({ ok: true, playbook });
});

describe('the shape', () => {
  it('refuses what is not an object', () => {
    expect(errorsOf('playbook')).toEqual([{ path: '(root)', message: 'expected object, got "playbook"' }]);
    expect(errorsOf(null)[0].path).toBe('(root)');
  });

  it('names unknown keys, at any depth', () => {
    const p: any = highTouch();
    p.owner = 'ana';
    p.stages[1].colour = 'blue';
    expect(errorsOf(p)).toEqual([
      { path: 'stages[1].colour', message: 'unknown key "colour"' },
      { path: 'owner', message: 'unknown key "owner"' },
    ]);
  });

  it('names a missing field, a wrong type and a value outside its list', () => {
    const p: any = highTouch();
    delete p.tasks[0].name;
    p.tasks[1].dueAfterDays = '5';
    p.tasks[2].owner = 'intern';
    p.messages[0].event = 'birthday';
    p.tier = 'platinum';
    const errors = errorsOf(p);
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'tasks[0].name', message: 'required' },
        { path: 'tasks[1].dueAfterDays', message: 'expected number, got "5"' },
        { path: 'tasks[2].owner', message: expect.stringMatching(/^must be one of csm, customer, .*, got "intern"$/) },
        { path: 'messages[0].event', message: expect.stringContaining('must be one of welcome, handoff-incomplete') },
        { path: 'tier', message: 'must be one of high-touch, tech-touch, self-service, got "platinum"' },
      ]),
    );
    expect(errors).toHaveLength(5);
  });

  it('says "required" for a missing field that takes one of a list', () => {
    const p: any = highTouch();
    delete p.tasks[3].owner;
    expect(errorsOf(p)).toEqual([{ path: 'tasks[3].owner', message: 'required' }]);
  });

  it('wants a positive integer version and non-negative numbers', () => {
    const p: any = highTouch();
    p.version = 0;
    p.tasks[0].remindBeforeHours = -1;
    p.escalationLadders[0].levels[0].afterHours = -2;
    expect(errorsOf(p)).toEqual([
      { path: 'version', message: 'must be greater than 0, got 0' },
      { path: 'tasks[0].remindBeforeHours', message: 'must be at least 0, got -1' },
      { path: 'escalationLadders[0].levels[0].afterHours', message: 'must be at least 0, got -2' },
    ]);
    expect(errorsOf({ ...highTouch(), version: 1.5 })).toEqual([
      { path: 'version', message: 'expected an integer, got number 1.5' },
    ]);
  });

  it('needs at least one stage', () => {
    const p = highTouch();
    p.stages = [];
    expect(errorsOf(p)).toContainEqual({ path: 'stages', message: 'a playbook needs at least one stage' });
  });

  it('accepts only roles as contacts keys, with e-mail addresses', () => {
    const p: any = highTouch();
    p.contacts.ceo = 'ceo@onboarding.example';
    p.contacts['cs-ops'] = 'not an address';
    expect(errorsOf(p)).toEqual([
      { path: 'contacts["cs-ops"]', message: 'must be an e-mail address, got "not an address"' },
      {
        path: 'contacts.ceo',
        message: expect.stringMatching(/^contacts keys must be roles: "ceo" is not one of csm, customer, /),
      },
    ]);
  });
});

describe('the rules', () => {
  it.each([
    ['stages', 'stage'],
    ['tasks', 'task'],
    ['milestones', 'milestone'],
    ['gates', 'gate'],
    ['escalationLadders', 'escalation ladder'],
  ] as const)('reports a duplicate key among %s', (collection, noun) => {
    const p = highTouch();
    const list = p[collection] as Array<{ key: string }>;
    list.push(structuredClone(list[0]));
    expect(errorsOf(p)).toContainEqual({
      path: `${collection}[${list.length - 1}].key`,
      message: `duplicate ${noun} key "${list[0].key}" (first at ${collection}[0])`,
    });
  });

  it("reports a task's or gate's stage that does not exist", () => {
    const p = highTouch();
    p.tasks[3].stage = 'onboarding';
    p.gates[1].stage = 'hypercare';
    expect(errorsOf(p)).toEqual([
      { path: 'tasks[3].stage', message: 'unknown stage "onboarding"' },
      { path: 'gates[1].stage', message: 'unknown stage "hypercare"' },
    ]);
  });

  it('reports a dependency on an unknown task', () => {
    const p = highTouch();
    const uat = at(p.tasks, 'uat');
    p.tasks[uat].dependsOn = ['integration-build', 'integration-test'];
    expect(errorsOf(p)).toEqual([{ path: `tasks[${uat}].dependsOn[1]`, message: 'unknown task "integration-test"' }]);
  });

  it('reports a dependency cycle, naming it', () => {
    const p = highTouch();
    // kickoff-call -> provision-access -> confirm-success-criteria -> kickoff-call
    p.tasks[at(p.tasks, 'kickoff-call')].dependsOn = ['provision-access'];
    expect(errorsOf(p)).toEqual([
      {
        path: `tasks[${at(p.tasks, 'confirm-success-criteria')}].dependsOn[0]`,
        message: 'dependency cycle: kickoff-call -> provision-access -> confirm-success-criteria -> kickoff-call',
      },
    ]);
  });

  it('reports a task that depends on itself', () => {
    const p = techTouch();
    const invite = at(p.tasks, 'invite-team');
    p.tasks[invite].dependsOn = ['invite-team'];
    expect(errorsOf(p)).toEqual([
      { path: `tasks[${invite}].dependsOn[0]`, message: 'dependency cycle: invite-team -> invite-team' },
    ]);
  });

  it("reports a stage's unknown exit milestone or exit gate", () => {
    const p = highTouch();
    const integration = at(p.stages, 'integration-validation');
    p.stages[integration].exitMilestones.push('integration-live');
    p.stages[integration].exitGates = ['go-live-approval'];
    const errors = errorsOf(p);
    expect(errors).toContainEqual({
      path: `stages[${integration}].exitMilestones[1]`,
      message: 'unknown milestone "integration-live"',
    });
    expect(errors).toContainEqual({
      path: `stages[${integration}].exitGates[0]`,
      message: 'unknown gate "go-live-approval"',
    });
  });

  it('reports a milestone without a positive target day', () => {
    const p: any = highTouch();
    p.milestones[0].targetDay = 0;
    delete p.milestones[1].targetDay;
    expect(errorsOf(p)).toEqual([
      { path: 'milestones[1].targetDay', message: 'milestone without target: targetDay is required' },
      {
        path: 'milestones[0].targetDay',
        message: 'milestone without target: targetDay must be a positive number of days after closed-won, got 0',
      },
    ]);
  });

  it('reports a ladder with no levels, or a level with no owner', () => {
    const p: any = highTouch();
    p.escalationLadders[0].levels = [];
    delete p.escalationLadders[1].levels[1].notify;
    expect(errorsOf(p)).toEqual([
      { path: 'escalationLadders[1].levels[1].notify', message: 'ladder with no owner: the level has no notify role' },
      { path: 'escalationLadders[0].levels', message: 'ladder with no owner: it has no levels to notify' },
    ]);
  });

  it('reports levels whose afterHours decrease', () => {
    const p = highTouch();
    p.escalationLadders[0].levels[2].afterHours = 24; // after 48 at the CS lead
    expect(errorsOf(p)).toEqual([
      {
        path: 'escalationLadders[0].levels[2].afterHours',
        message: 'afterHours decreases: 24 after 48 at the level before',
      },
    ]);
  });

  it('reports an escalation to an unknown ladder from a task, a milestone and the handoff', () => {
    const p = highTouch();
    p.tasks[2].escalation = 'urgent';
    p.milestones[4].escalation = 'executive';
    p.handoff.escalation = 'sales-manager';
    expect(errorsOf(p)).toEqual([
      { path: 'tasks[2].escalation', message: 'unknown escalation ladder "urgent"' },
      { path: 'milestones[4].escalation', message: 'unknown escalation ladder "executive"' },
      { path: 'handoff.escalation', message: 'unknown escalation ladder "sales-manager"' },
    ]);
  });

  it('reports an unknown first-value milestone', () => {
    const p = highTouch();
    p.firstValueMilestone = 'first-value';
    expect(errorsOf(p)).toEqual([{ path: 'firstValueMilestone', message: 'unknown milestone "first-value"' }]);
  });

  it('reports a milestone that no stage exits on', () => {
    const p = techTouch();
    p.milestones.push({
      key: 'api-key-created',
      name: 'API key created',
      targetDay: 5,
      escalation: 'standard',
      executiveTouchpoint: false,
    });
    expect(errorsOf(p)).toEqual([
      {
        path: `milestones[${p.milestones.length - 1}]`,
        message: 'milestone "api-key-created" is not an exit milestone of any stage',
      },
    ]);
  });
});

describe('the cutover plan', () => {
  it('is optional: a tier with nothing to migrate has none', () => {
    expect(DEFAULT_PLAYBOOKS['tech-touch'].cutoverPlan).toBeUndefined();
    expect(validatePlaybook(techTouch()).ok).toBe(true);
  });

  it('refuses an unknown operation, a share outside 0-1 and a misspelt field', () => {
    const p: any = highTouch();
    p.cutoverPlan.steps[0].action = 'legacy.delete';
    p.cutoverPlan.reconciliationThreshold = 99.5;
    p.cutoverPlan.hypercare.dayz = 28;
    expect(errorsOf(p)).toEqual([
      {
        path: 'cutoverPlan.steps[0].action',
        message: expect.stringMatching(/^must be one of legacy.freeze, .*, got "legacy.delete"$/),
      },
      { path: 'cutoverPlan.reconciliationThreshold', message: 'must be a share between 0 and 1' },
      { path: 'cutoverPlan.hypercare.dayz', message: 'unknown key "dayz"' },
    ]);
  });

  it('reports a step that changes something without a compensation, and a duplicate step', () => {
    const p = highTouch();
    const plan = p.cutoverPlan!;
    delete plan.steps[at(plan.steps, 'switch-sso')].compensation;
    plan.steps.push({ ...plan.steps[0] });
    expect(errorsOf(p)).toEqual([
      {
        path: `cutoverPlan.steps[${plan.steps.length - 1}].key`,
        message: 'duplicate cutover step key "freeze-legacy-writes" (first at cutoverPlan.steps[0])',
      },
      {
        path: `cutoverPlan.steps[${at(plan.steps, 'switch-sso')}].compensation`,
        message: 'step "switch-sso" changes something (sso.switch-to-target) and has no compensation to undo it',
      },
    ]);
  });

  it('reports an unknown readiness gate, hypercare ladder and acceptance gate', () => {
    const p = highTouch();
    p.cutoverPlan!.readiness.gate = 'go-live';
    p.cutoverPlan!.hypercare!.escalation = 'hypercare';
    p.cutoverPlan!.hypercare!.acceptanceGate = 'bau';
    expect(errorsOf(p)).toEqual([
      { path: 'cutoverPlan.readiness.gate', message: 'unknown gate "go-live"' },
      { path: 'cutoverPlan.hypercare.escalation', message: 'unknown escalation ladder "hypercare"' },
      { path: 'cutoverPlan.hypercare.acceptanceGate', message: 'unknown gate "bau"' },
    ]);
  });

  it('reports an acceptance gate no stage waits for: the onboarding could end during hypercare', () => {
    const p = highTouch();
    p.stages[at(p.stages, 'cutover-hypercare')].exitGates = [];
    expect(errorsOf(p)).toEqual([
      {
        path: 'cutoverPlan.hypercare.acceptanceGate',
        message: 'gate "bau-acceptance" is not an exit gate of any stage: the onboarding could end during hypercare',
      },
    ]);
  });
});

it('reports every problem of a playbook together, shape and rules alike', () => {
  const p: any = highTouch();
  p.stages[0].colour = 'blue';
  p.tasks[0].stage = 'nowhere';
  p.milestones[2].targetDay = -3;
  p.firstValueMilestone = 'first-value';
  p.escalationLadders[1].levels = [];
  const paths = errorsOf(p).map((e) => e.path);
  expect(paths).toEqual(
    expect.arrayContaining([
      'stages[0].colour',
      'tasks[0].stage',
      'milestones[2].targetDay',
      'firstValueMilestone',
      'escalationLadders[1].levels',
    ]),
  );
  expect(paths).toHaveLength(5);
});

it('still checks the references of a playbook whose shape is partly broken', () => {
  const p: any = highTouch();
  p.tasks[0] = 'kickoff-call'; // not an object: a shape error, and no task "kickoff-call" any more
  const errors = errorsOf(p);
  expect(errors).toContainEqual({ path: 'tasks[0]', message: 'expected object, got "kickoff-call"' });
  const confirm = p.tasks.findIndex((t: any) => t?.key === 'confirm-success-criteria');
  expect(errors).toContainEqual({ path: `tasks[${confirm}].dependsOn[0]`, message: 'unknown task "kickoff-call"' });
});

it('formats paths JSON-ish', () => {
  expect(formatPath(['tasks', 3, 'dependsOn', 0])).toBe('tasks[3].dependsOn[0]');
  expect(formatPath(['contacts', 'vp-cs'])).toBe('contacts["vp-cs"]');
  expect(formatPath([])).toBe('(root)');
});

it('returns the validated playbook typed, without changing it', () => {
  const input: Playbook = highTouch();
  const result = validatePlaybook(input);
  expect(result.ok && result.playbook).toEqual(DEFAULT_PLAYBOOKS['high-touch']);
});
