/**
 * The playbook preview and journey map through the real API: a scenario's timeline for an
 * unpublished definition, the Mermaid map of published versions and of a draft, refusals that
 * name the field, the roles that may read them, and a hostile playbook that cannot make a
 * preview run long.
 */
import { DEFAULT_PLAYBOOKS } from '../../src/domain/default-playbooks';
import { useApiHarness } from '../support/api-harness';

const h = useApiHarness();
const techTouch = () => structuredClone(DEFAULT_PLAYBOOKS['tech-touch']);
const START = '2027-01-04T09:00:00.000Z';

describe('POST /playbooks/preview', () => {
  it('answers the escalation timeline of a customer who never connects a data source, after a late handoff', async () => {
    const res = await h.api
      .post('/playbooks/preview')
      .send({
        definition: techTouch(),
        scenario: { handoffDelayDays: 3.5, never: { tasks: ['connect-data-source'] } },
        startAt: START,
      })
      .expect(200);
    const ladder = res.body.events.filter(
      (e: any) => e.kind === 'escalation' && e.subject === 'task:connect-data-source',
    );
    expect(ladder).toEqual([
      expect.objectContaining({ day: 10, level: 1, roles: ['csm'], at: '2027-01-14T21:00:00.000Z' }),
      expect.objectContaining({ day: 12, level: 2, roles: ['cs-lead'], at: '2027-01-16T21:00:00.000Z' }),
      expect.objectContaining({ day: 17, level: 3, roles: ['vp-cs'], at: '2027-01-21T21:00:00.000Z' }),
    ]);
    expect(res.body.events).toContainEqual(
      expect.objectContaining({ kind: 'milestone-missed', subject: 'milestone:first-login', day: 3 }),
    );
    expect(res.body.events.filter((e: any) => e.kind === 'reminder' && e.subject === 'handoff')).toHaveLength(4);
    expect(res.body).toMatchObject({
      playbook: { tier: 'tech-touch', version: 1 },
      startAt: START,
      outcome: 'completed',
      summary: { escalations: 7, milestonesMissed: 1 },
    });
    expect(res.body.actions[0]).toEqual({
      day: 3,
      at: '2027-01-07T21:00:00.000Z',
      action: { command: 'completeHandoff', key: 'handoff' },
    });
  });

  it('runs a team that is always on time with no escalation at all, and defaults closed-won to the current hour', async () => {
    const res = await h.api.post('/playbooks/preview').send({ definition: techTouch() }).expect(200);
    expect(res.body.summary).toMatchObject({ escalations: 0, stalls: 0, milestonesMissed: 0 });
    expect(res.body.outcome).toBe('completed');
    expect(Date.parse(res.body.startAt) % 3_600_000).toBe(0);
  });

  it('refuses unknown scenario items and fields with a 400 naming each path', async () => {
    const res = await h.api
      .post('/playbooks/preview')
      .send({
        definition: techTouch(),
        scenario: { never: { tasks: ['connect-data-sourc'] }, complete: { milestones: { 'first-logn': 2 } } },
      })
      .expect(400);
    expect(res.body).toMatchObject({ code: 'ValidationFailed' });
    expect(res.body.errors).toEqual([
      { path: 'scenario.never.tasks[0]', message: 'unknown task "connect-data-sourc"' },
      { path: 'scenario.complete.milestones["first-logn"]', message: 'unknown milestone "first-logn"' },
    ]);

    const bounds = await h.api
      .post('/playbooks/preview')
      .send({ definition: techTouch(), scenario: { horizonDays: 4000, colour: 'blue' } })
      .expect(400);
    expect(bounds.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'scenario.horizonDays', message: expect.stringContaining('400') },
        { path: 'scenario.colour', message: 'unknown key "colour"' },
      ]),
    );
  });

  it('refuses an invalid definition as InvalidPlaybook, with paths under definition', async () => {
    const definition: any = techTouch();
    definition.tasks[2].dependsOn = ['connect-data-sourc'];
    const res = await h.api.post('/playbooks/preview').send({ definition }).expect(400);
    expect(res.body).toMatchObject({
      code: 'InvalidPlaybook',
      errors: [{ path: 'definition.tasks[2].dependsOn[0]', message: 'unknown task "connect-data-sourc"' }],
    });
    await h.api.post('/playbooks/preview').send({ scenario: {} }).expect(400);
  });

  it('stops a playbook that reminds every few seconds for a year quickly, and says it was cut short', async () => {
    const definition: any = techTouch();
    definition.handoff.remindEveryHours = 0.001;
    const started = Date.now();
    const res = await h.api
      .post('/playbooks/preview')
      .send({ definition, scenario: { handoffDelayDays: 365, horizonDays: 400 } })
      .expect(200);
    expect(res.body.outcome).toBe('cut-short');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops a playbook built to escalate everything, and refuses one larger than a preview takes', async () => {
    const definition: any = techTouch();
    definition.escalationLadders[0].levels = [1, 8, 15, 22, 29, 36].map((afterHours) => ({
      notify: 'csm',
      afterHours,
    }));
    definition.tasks = Array.from({ length: 60 }, (_, i) => ({
      key: `task-${i}`,
      name: `Task ${i}`,
      stage: 'welcome',
      owner: 'customer',
      dueAfterDays: (i % 40) / 7,
      dependsOn: [],
      remindBeforeHours: 1,
      escalation: 'standard',
    }));
    const never = { tasks: definition.tasks.map((t: any) => t.key) };
    const started = Date.now();
    const res = await h.api
      .post('/playbooks/preview')
      .send({ definition, scenario: { never, acknowledgeAfterHours: 0.3, horizonDays: 400 } })
      .expect(200);
    expect(res.body.outcome).toBe('cut-short');
    expect(Date.now() - started).toBeLessThan(5_000);

    definition.tasks.push({ ...definition.tasks[0], key: 'task-60' });
    const tooLarge = await h.api.post('/playbooks/preview').send({ definition }).expect(400);
    expect(tooLarge.body.errors).toEqual([{ path: 'definition.tasks', message: 'a preview takes at most 60, got 61' }]);
  });

  it('is open to CS Ops and configuration readers, not to a CSM', async () => {
    const body = { definition: techTouch(), startAt: START };
    await h
      .as(await h.createKey(['cs-ops']))
      .post('/playbooks/preview')
      .send(body)
      .expect(200);
    await h
      .as(await h.createKey(['cs-lead']))
      .post('/playbooks/preview')
      .send(body)
      .expect(200);
    await h
      .as(await h.createKey(['csm'], { csmId: 'csm-x' }))
      .post('/playbooks/preview')
      .send(body)
      .expect(403);
  });
});

describe('journey maps', () => {
  it("downloads a tier's latest playbook and a version as a Mermaid file", async () => {
    const latest = await h.api.get('/playbooks/self-service/journey-map').expect(200);
    expect(latest.headers['content-type']).toMatch(/^text\/vnd\.mermaid; charset=utf-8/);
    expect(latest.headers['content-disposition']).toMatch(
      /^attachment; filename="self-service-v\d+-journey-map\.mmd"$/,
    );
    expect(latest.text).toMatch(/^flowchart TD\n/);

    const v1 = await h.api.get('/playbooks/high-touch/versions/1/journey-map').expect(200);
    expect(v1.headers['content-disposition']).toBe('attachment; filename="high-touch-v1-journey-map.mmd"');
    expect(v1.text).toContain('subgraph stage0["1. Day 0 kickoff"]');
    expect(v1.text).toContain('Day 1-30 access, environment #amp; data');
  });

  it('answers JSON with the source to a client that asks for it (the pages)', async () => {
    const res = await h.api
      .get('/playbooks/tech-touch/versions/1/journey-map')
      .set('Accept', 'application/json')
      .expect(200);
    expect(res.body).toEqual({
      tier: 'tech-touch',
      version: 1,
      name: 'Tech-touch (SaaS)',
      fileName: 'tech-touch-v1-journey-map.mmd',
      mermaid: expect.stringMatching(/^flowchart TD\n/),
    });
  });

  it('draws an unpublished definition, escaping what Mermaid would read as syntax', async () => {
    const definition = techTouch();
    definition.stages[0].name = 'Welcome "aboard" <b>#1</b>';
    const res = await h.api
      .post('/playbooks/journey-map')
      .set('Accept', 'application/json')
      .send(definition)
      .expect(200);
    expect(res.body.mermaid).toContain('subgraph stage0["1. Welcome #quot;aboard#quot; #lt;b#gt;#35;1#lt;/b#gt;"]');
    const invalid = await h.api
      .post('/playbooks/journey-map')
      .send({ ...definition, stages: [] })
      .expect(400);
    expect(invalid.body.code).toBe('InvalidPlaybook');
  });

  it('answers 404 for an unknown tier or version', async () => {
    await h.api.get('/playbooks/gold/journey-map').expect(404);
    await h.api.get('/playbooks/tech-touch/versions/9999/journey-map').expect(404);
    await h
      .as(await h.createKey(['csm'], { csmId: 'csm-y' }))
      .get('/playbooks/tech-touch/journey-map')
      .expect(403);
  });
});
