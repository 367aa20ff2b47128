/**
 * The leadership dashboard and the cohort comparison over a database of this file's own: facts
 * written by the projection's own writer, figures computed here from the same facts and
 * compared exactly; red flags raised when a threshold is crossed and not otherwise; the cohort
 * set on closed-won and later through the real workflow.
 */
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/persistence/data-source';
import { rebuildDashboardRollups } from '../../src/persistence/dashboard-facts-store';
import { expectedFigures, insertRows, type Row, rounded, syntheticRows } from '../fixtures/dashboard-rows';
import { closedWonBody } from '../fixtures/onboarding-input';
import { type ApiHarness, eventually, startApiHarness } from '../support/api-harness';
import { createOwnDatabase, type OwnDatabase } from '../support/own-database';

let h: ApiHarness;
let database: OwnDatabase;
let db: DataSource;

const insert = (rows: Row[]) => insertRows(db, rows);

/** What the dashboard answers, without what the test does not compute (targets come from playbooks). */
function figuresOf(body: Record<string, unknown>) {
  const { filter: _f, asOf: _a, baselines: _b, thresholds: _t, redFlags: _r, ...figures } = body;
  const ttv = figures.timeToValue as { byTier: Array<Record<string, unknown>> };
  return rounded({ ...figures, timeToValue: { ...ttv, byTier: ttv.byTier.map((t) => ({ ...t, targetDays: null })) } });
}

const PERIOD_2020 = 'from=2020-01-01&to=2021-01-01';
/**
 * Onboardings closed-won at any hour from December 2019 to January 2021: around the ends of the
 * periods that cut days, months and the year.
 */
const atAnyHour = syntheticRows(150, 13, (i) => (i % 4 === 0 ? 'syn-alpha' : null)).map((r, i) => ({
  ...r,
  id: r.id.replace('syn', 'hour'),
  closedWonAt: new Date(Date.UTC(2019, 11, 1) + ((i * 7_919_337_041) % (427 * 86_400_000))).toISOString(),
}));
const rows = [...syntheticRows(60, 7, (i) => (i % 3 === 0 ? 'syn-alpha' : null)), ...atAnyHour];

beforeAll(async () => {
  database = await createOwnDatabase('dashboards');
  h = await startApiHarness({ databaseUrl: database.url });
  db = await new DataSource(dataSourceOptions(database.url)).initialize();
  await insert(rows);
});

afterAll(async () => {
  await db?.destroy();
  await h?.close();
  await database?.drop();
});

describe('GET /dashboards/leadership', () => {
  it('answers the figures computed from the same facts, for the whole period and for each filter', async () => {
    // Tier, segment, cohort and any period read the counters (days rounded); a CSM, the facts rows.
    const within = (from: string, to: string) => (r: Row) =>
      Date.parse(r.closedWonAt) >= Date.parse(from) && Date.parse(r.closedWonAt) < Date.parse(to);
    const in2020 = within('2020-01-01', '2021-01-01');
    const cases: Array<[string, (r: Row) => boolean, boolean]> = [
      [PERIOD_2020, in2020, true],
      [`${PERIOD_2020}&tier=tech-touch`, (r) => in2020(r) && r.tier === 'tech-touch', true],
      [`${PERIOD_2020}&segment=smb`, (r) => in2020(r) && r.segment === 'smb', true],
      ['from=2020-03-01&to=2020-07-01', within('2020-03-01', '2020-07-01'), true],
      [`cohort=syn-alpha`, (r) => r.cohort === 'syn-alpha', true],
      [`${PERIOD_2020}&csm=csm-b`, (r) => in2020(r) && r.csmId === 'csm-b', false],
      ['from=2020-03-15&to=2020-07-01', within('2020-03-15', '2020-07-01'), true],
    ];
    for (const [query, selects, byDay] of cases) {
      const res = await h.api.get(`/dashboards/leadership?${query}`).expect(200);
      expect({ query, figures: figuresOf(res.body) }).toEqual({
        query,
        figures: rounded(expectedFigures(rows.filter(selects), { byDay })),
      });
    }
  });

  it('answers a period that cuts months, days or the year with the figures of exactly its onboardings', async () => {
    const periods: Array<[string, string | undefined, string | undefined]> = [
      // Both ends cut a month: its days, or the month minus the days outside.
      ['', '2020-03-15', '2020-07-10'],
      ['', '2020-03-03', '2020-07-28'],
      // Both ends cut a day too: its onboardings' rows.
      ['', '2020-03-15T06:30:00Z', '2020-07-10T18:00:00Z'],
      // Within one month; within one day.
      ['', '2020-05-03', '2020-05-20'],
      ['', '2020-05-02T12:00:00Z', '2020-05-30T12:00:00Z'],
      ['', '2020-05-10T01:00:00Z', '2020-05-10T23:00:00Z'],
      // Across the turn of a year.
      ['', '2019-12-20T10:00:00Z', '2020-01-12'],
      ['', '2020-12-03', '2021-01-28T09:00:00+02:00'],
      // Open at one end; with the other filters.
      ['', '2020-06-17T08:00:00Z', undefined],
      ['', undefined, '2020-06-17T08:00:00Z'],
      ['tier=tech-touch&', '2020-02-10', '2020-11-20T12:00:00Z'],
      ['segment=enterprise&', '2019-12-31T23:00:00Z', '2020-09-09'],
      ['cohort=syn-alpha&', '2020-04-29', '2021-01-02'],
    ];
    const other = (filters: string) => (r: Row) =>
      (!filters.startsWith('tier') || r.tier === 'tech-touch') &&
      (!filters.startsWith('segment') || r.segment === 'enterprise') &&
      (!filters.startsWith('cohort') || r.cohort === 'syn-alpha');
    let counted = 0;
    for (const [filters, from, to] of periods) {
      const query = `${filters}${from ? `from=${encodeURIComponent(from)}&` : ''}${to ? `to=${encodeURIComponent(to)}` : ''}`;
      const selected = rows.filter(
        (r) =>
          other(filters)(r) &&
          (!from || Date.parse(r.closedWonAt) >= Date.parse(from)) &&
          (!to || Date.parse(r.closedWonAt) < Date.parse(to)),
      );
      counted += selected.length;
      const res = await h.api.get(`/dashboards/leadership?${query}`).expect(200);
      expect({ query, figures: figuresOf(res.body) }).toEqual({
        query,
        figures: rounded(expectedFigures(selected, { byDay: true })),
      });
    }
    // The periods do select onboardings, near their ends too.
    expect(counted).toBeGreaterThan(200);
  });

  it('draws TTV against each tier’s current playbook target, and answers empty filters with no rates rather than 0%', async () => {
    const res = await h.api.get(`/dashboards/leadership?${PERIOD_2020}&tier=high-touch`).expect(200);
    expect(res.body.timeToValue.byTier).toEqual([
      expect.objectContaining({ tier: 'high-touch', targetDays: expect.any(Number) }),
    ]);
    expect(res.body.timeToValue.histogram).toHaveLength(13);

    const empty = await h.api.get('/dashboards/leadership?from=1999-01-01&to=1999-02-01').expect(200);
    expect(empty.body.onboardings).toEqual({ started: 0, active: 0, completed: 0 });
    expect(empty.body.timeToValue.medianDays).toBeNull();
    expect(empty.body.completionWithinTarget.share).toBeNull();
    expect(empty.body.redFlags).toEqual([]);
  });

  it('raises each red flag when its threshold is crossed, and none for a healthy selection', async () => {
    const healthy = syntheticRows(10, 11, () => 'flags-healthy').map((r, i) => ({
      ...r,
      tier: 'tech-touch' as const,
      segment: 'mid-market' as const,
      status: 'in-progress' as const,
      // 1 of 10 stalled: 10%, under 15%.
      stalled: i === 0,
      facts: {
        ...r.facts,
        ttvDays: 20,
        milestonesTotal: 4,
        milestonesMet: i < 7 ? 4 : 2,
        milestonesMissed: i < 7 ? 0 : 2,
      },
    }));
    const troubled = healthy.map((r, i) => ({
      ...r,
      id: r.id.replace('syn', 'trb'),
      cohort: 'flags-troubled',
      // 2 of 10 stalled: 20%; 5 of 10 within target: 50%; median TTV 40 against a baseline of 30.
      stalled: i < 2,
      facts: { ...r.facts, ttvDays: 40, milestonesMet: i < 5 ? 4 : 2, milestonesMissed: i < 5 ? 0 : 2 },
    }));
    await insert([...healthy, ...troubled]);
    await h.api
      .put('/dashboards/baseline/tech-touch')
      .send({ medianTtvDays: 30, completionWithinTargetRate: 0.55 })
      .expect(200);

    const ok = await h.api.get('/dashboards/leadership?cohort=flags-healthy').expect(200);
    expect(ok.body.completionWithinTarget.share).toBe(0.7);
    expect(ok.body.stalled.share).toBe(0.1);
    expect(ok.body.redFlags).toEqual([]);
    expect(ok.body.thresholds).toEqual({ completionMin: 0.6, ttvOverBaseline: 0.2, stalledMax: 0.15 });

    const bad = await h.api.get('/dashboards/leadership?cohort=flags-troubled').expect(200);
    expect(bad.body.redFlags).toEqual([
      expect.objectContaining({ kind: 'completion-within-target', value: 0.5, threshold: 0.6 }),
      expect.objectContaining({ kind: 'ttv-over-baseline', tier: 'tech-touch', value: 40, threshold: 36 }),
      expect.objectContaining({ kind: 'stalled', value: 0.2, threshold: 0.15 }),
    ]);
  });

  it('refuses bad filters with 400 naming them', async () => {
    const res = await h.api.get('/dashboards/leadership?tier=gold&cohort=Not%20A%20Slug&from=yesterday').expect(400);
    const paths = (res.body.errors as Array<{ path: string }>).map((e) => e.path).sort();
    expect(paths).toEqual(['cohort', 'from', 'tier']);
  });

  it('is read by leadership and CS Ops, not by a CSM or the CS platform', async () => {
    await h
      .as(await h.createKey(['vp-cs']))
      .get('/dashboards/leadership')
      .expect(200);
    await h
      .as(await h.createKey(['csm'], { csmId: 'csm-a' }))
      .get('/dashboards/leadership')
      .expect(403);
    await h
      .as(await h.createKey(['cs-platform']))
      .get('/dashboards/baseline')
      .expect(403);
  });
});

describe('baselines', () => {
  it('keeps every version with who entered it and when; the latest counts; only CS Ops and admins enter them', async () => {
    const opsKey = await h.createKey(['cs-ops'], { name: 'Olga (CS Ops)' });
    const first = await h
      .as(opsKey)
      .put('/dashboards/baseline/self-service')
      .send({ medianTtvDays: 21, completionWithinTargetRate: 0.4, sampleSize: 120, notes: 'audit 2026' })
      .expect(200);
    expect(first.body).toMatchObject({
      tier: 'self-service',
      version: 1,
      medianTtvDays: 21,
      completionWithinTargetRate: 0.4,
      sampleSize: 120,
      notes: 'audit 2026',
      enteredBy: expect.stringContaining('Olga (CS Ops)'),
    });
    const second = await h
      .as(opsKey)
      .put('/dashboards/baseline/self-service')
      .send({ medianTtvDays: 19, completionWithinTargetRate: 0.45 })
      .expect(200);
    expect(second.body.version).toBe(2);
    // A retry under the same Idempotency-Key gets the first answer, not a third version.
    const retried = () =>
      h
        .as(opsKey)
        .put('/dashboards/baseline/self-service')
        .set('idempotency-key', 'baseline-retry-1')
        .send({ medianTtvDays: 19, completionWithinTargetRate: 0.45 })
        .expect(200);
    expect((await retried()).body.version).toBe(3);
    expect((await retried()).body.version).toBe(3);
    const list = await h.api.get('/dashboards/baseline').expect(200);
    expect(list.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ tier: 'self-service', version: 3, medianTtvDays: 19 })]),
    );

    await h
      .as(await h.createKey(['cs-lead']))
      .put('/dashboards/baseline/self-service')
      .send({ medianTtvDays: 1, completionWithinTargetRate: 1 })
      .expect(403);
    await h.api.put('/dashboards/baseline/gold').send({ medianTtvDays: 1, completionWithinTargetRate: 1 }).expect(400);
    await h.api
      .put('/dashboards/baseline/tech-touch')
      .send({ medianTtvDays: -1, completionWithinTargetRate: 60 })
      .expect(400);
  });
});

describe('GET /dashboards/cohorts/:cohort/comparison', () => {
  it('puts the pilot beside the baseline with its counts, an indicative-only note, satisfaction and the success criteria', async () => {
    await h.api
      .put('/dashboards/baseline/high-touch')
      .send({ medianTtvDays: 50, completionWithinTargetRate: 0.5, sampleSize: 40 })
      .expect(200);
    const pilot = syntheticRows(6, 23, () => 'pilot-cmp').map((r, i) => ({
      ...r,
      tier: 'high-touch' as const,
      segment: 'enterprise' as const,
      status: 'in-progress' as const,
      stalled: i === 5,
      // Value within the 50-day baseline for four of six; two still waiting since 2020, so past it.
      facts: {
        ...r.facts,
        ttvDays: i < 4 ? 30 + i : null,
        milestonesTotal: 4,
        milestonesMet: i < 3 ? 4 : 1,
        milestonesMissed: i < 3 ? 0 : 1,
        milestonesAchieved: i < 3 ? 4 : 1,
        milestonesOverdue: i < 3 ? 0 : 1,
        escalationsByLevel: [1, 0, 0] as [number, number, number],
        automationFailures: 0,
      },
    }));
    await insert(pilot);
    for (const [i, score] of [5, 4, 3].entries()) {
      await db.query(`INSERT INTO satisfaction_responses (onboarding_id, score) VALUES ($1, $2)`, [pilot[i].id, score]);
    }

    const res = await h.api.get('/dashboards/cohorts/pilot-cmp/comparison').expect(200);
    expect(res.body.cohort).toMatchObject({
      cohort: 'pilot-cmp',
      onboardings: 6,
      sample: { tooSmall: false, indicativeOnly: true },
      timeToValue: { onboardings: 4, medianDays: 31.5 },
      completionWithinTarget: { decided: 6, withinTarget: 3, share: 0.5 },
      stalled: { active: 6, stalled: 1 },
      escalations: { raised: 6, perOnboarding: 1 },
      satisfaction: { responses: 3, averageScore: 4 },
    });
    expect(res.body.against).toMatchObject({
      kind: 'baseline',
      byTier: expect.arrayContaining([
        expect.objectContaining({ tier: 'high-touch', medianTtvDays: 50, sampleSize: 40 }),
      ]),
      missingTiers: [],
    });
    const status = Object.fromEntries(
      (res.body.checklist as Array<{ criterion: string; status: string }>).map((c) => [c.criterion, c.status]),
    );
    expect(status).toEqual({
      'Every pilot onboarding entered its playbook': 'pass',
      'Milestone tracking updated accurately': 'pass',
      'No critical automation failure': 'pass',
      // 4 within the baseline, 2 past it: on track.
      'Pilot TTV on track to beat baseline': 'pass',
      'CSMs report confidence in the new process': 'unknown',
    });
  });

  it('compares with another cohort, says when one is too small, and fails the criteria the facts break', async () => {
    const small = syntheticRows(3, 31, () => 'pilot-small').map((r, i) => ({
      ...r,
      tier: 'high-touch' as const,
      segment: 'enterprise' as const,
      status: i === 0 ? ('handoff-incomplete' as const) : ('in-progress' as const),
      facts: {
        ...r.facts,
        ttvDays: null,
        milestonesAchieved: 0,
        milestonesOverdue: 1,
        automationFailures: i === 1 ? 1 : 0,
      },
    }));
    await insert(small);
    const res = await h.api.get('/dashboards/cohorts/pilot-small/comparison?against=pilot-cmp').expect(200);
    expect(res.body.cohort.sample).toMatchObject({ tooSmall: true, note: expect.stringContaining('too few') });
    expect(res.body.against).toMatchObject({ kind: 'cohort', cohort: 'pilot-cmp', onboardings: 6 });
    const status = Object.fromEntries(
      (res.body.checklist as Array<{ criterion: string; status: string }>).map((c) => [c.criterion, c.status]),
    );
    expect(status).toMatchObject({
      'Every pilot onboarding entered its playbook': 'fail',
      'Milestone tracking updated accurately': 'fail',
      'No critical automation failure': 'fail',
      // All three waiting since 2020: past the 50-day baseline.
      'Pilot TTV on track to beat baseline': 'fail',
    });

    const none = await h.api.get('/dashboards/cohorts/nobody-here/comparison').expect(200);
    expect(none.body.cohort.onboardings).toBe(0);
    expect(none.body.checklist.every((c: { status: string }) => c.status === 'unknown')).toBe(true);
    await h.api.get('/dashboards/cohorts/Not_A_Slug/comparison').expect(400);
  });
});

describe('the cohort of an onboarding', () => {
  it('is set on closed-won, changed later by PUT, projected into the read model and its facts', async () => {
    const account = `cohort-${Math.random().toString(36).slice(2, 8)}`;
    const id = `onboarding-${account}`;
    await h.api
      .post('/onboardings')
      .send({ ...closedWonBody(account), cohort: 'pilot-2027q1' })
      .expect(201);
    const factsCohort = async () => {
      const [row] = await db.query(`SELECT cohort FROM onboarding_facts WHERE onboarding_id = $1`, [id]);
      return row?.cohort as string | null | undefined;
    };
    await eventually(async () => ((await factsCohort()) === 'pilot-2027q1' ? true : undefined));

    const moved = await h
      .as(await h.createKey(['cs-ops']))
      .put(`/onboardings/${id}/cohort`)
      .send({ cohort: 'pilot-2027q2' })
      .expect(200);
    expect(moved.body.cohort).toBe('pilot-2027q2');
    await eventually(async () => ((await factsCohort()) === 'pilot-2027q2' ? true : undefined));
    const listed = await h.api.get('/onboardings?cohort=pilot-2027q2').expect(200);
    expect(listed.body.items.map((o: { id: string }) => o.id)).toEqual([id]);

    const again = await h.api.put(`/onboardings/${id}/cohort`).send({ cohort: 'pilot-2027q2' }).expect(200);
    expect(again.body.revision).toBe(moved.body.revision);
    const cleared = await h.api.put(`/onboardings/${id}/cohort`).send({ cohort: null }).expect(200);
    expect(cleared.body.cohort).toBeUndefined();
    await eventually(async () => ((await factsCohort()) === null ? true : undefined));

    const audit = await h.api.get(`/onboardings/${id}/audit`).expect(200);
    expect(audit.body.entries.filter((e: { action: string }) => e.action === 'cohort-set')).toHaveLength(2);

    await h.api.put(`/onboardings/${id}/cohort`).send({ cohort: 'Pilot 2027' }).expect(400);
    await h.api.put(`/onboardings/${id}/cohort`).send({}).expect(400);
    await h.api
      .post('/onboardings')
      .send({ ...closedWonBody(`${account}-bad`), cohort: 'x'.repeat(65) })
      .expect(400);
    await h
      .as(await h.createKey(['csm'], { csmId: 'csm-test-ana' }))
      .put(`/onboardings/${id}/cohort`)
      .send({ cohort: 'pilot-x' })
      .expect(403);
  });
});

describe('the monthly and daily counters', () => {
  it('kept by deltas as facts change (status, TTV, tier, month) equal a rebuild from the facts', async () => {
    const changed = rows.slice(0, 15).map((r, i) => ({
      ...r,
      status: i % 2 ? ('completed' as const) : r.status,
      tier: i % 3 ? r.tier : ('self-service' as const),
      cohort: i % 6 ? r.cohort : 'syn-moved',
      closedWonAt: i % 4 ? r.closedWonAt : '2020-11-30T23:00:00.000Z',
      facts: { ...r.facts, ttvDays: i % 5 ? r.facts.ttvDays : 12.5, stageDurations: r.facts.stageDurations.slice(1) },
    }));
    await insert(changed);
    const snapshot = async () =>
      Promise.all(
        ['dashboard_rollups', 'dashboard_day_rollups'].map((table) =>
          db.query(`SELECT * FROM ${table} WHERE n <> 0 ORDER BY metric, tier, segment, cohort, 5, key, value`),
        ),
      );
    const kept = await snapshot();
    await db.transaction((tx) => rebuildDashboardRollups(tx));
    expect(await snapshot()).toEqual(kept);
    expect(kept[0].length).toBeGreaterThan(0);
    expect(kept[1].length).toBeGreaterThan(kept[0].length);
  });
});
