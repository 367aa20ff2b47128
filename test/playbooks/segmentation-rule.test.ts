/**
 * validateSegmentationRule names each mistake at its path; the SegmentationStore on the real
 * PostgreSQL seeds the default once, assigns versions (max + 1) and stores nothing invalid.
 * The database is shared with other test files: assertions are relative to what is there, and
 * the versions published here are deleted afterwards (the API tests expect version 1).
 */
import { DataSource } from 'typeorm';
import { DEFAULT_SEGMENTATION_RULE } from '../../src/domain/segmentation';
import { dataSourceOptions } from '../../src/persistence/data-source';
import { SegmentationStore } from '../../src/playbooks/segmentation-store';
import { type SegmentationRuleError, validateSegmentationRule } from '../../src/playbooks/validate-segmentation-rule';
import { testEnv } from '../support/test-env';

const rule = (): any => structuredClone(DEFAULT_SEGMENTATION_RULE);

function errorsOf(input: unknown): SegmentationRuleError[] {
  const result = validateSegmentationRule(input);
  if (result.ok) throw new Error('expected the rule to be invalid');
  return result.errors;
}

describe('validateSegmentationRule', () => {
  it('accepts the default rule as it is', () => {
    expect(validateSegmentationRule(rule())).toEqual({ ok: true, rule: DEFAULT_SEGMENTATION_RULE });
  });

  it('names a wrong type, an unknown segment, an unknown complexity, an unknown key and what is not an object', () => {
    const r = rule();
    r.segments[0].minArr = '250000';
    r.segments[1].segment = 'giant';
    r.segments[1].minComplexity = 'extreme';
    r.segments[2].colour = 'blue';
    expect(errorsOf(r)).toEqual(
      expect.arrayContaining([
        { path: 'segments[0].minArr', message: 'expected number, got "250000"' },
        { path: 'segments[1].segment', message: 'must be one of enterprise, mid-market, smb, got "giant"' },
        { path: 'segments[1].minComplexity', message: 'must be one of low, medium, high, got "extreme"' },
        { path: 'segments[2].colour', message: 'unknown key "colour"' },
      ]),
    );
    expect(errorsOf('rule')).toEqual([{ path: '(root)', message: 'expected object, got "rule"' }]);
  });

  it('refuses a negative threshold', () => {
    const r = rule();
    r.segments[1].minArr = -1;
    expect(errorsOf(r)).toContainEqual({ path: 'segments[1].minArr', message: 'must be at least 0, got -1' });
  });

  it('wants every segment exactly once', () => {
    const r = rule();
    r.segments[1].segment = 'enterprise';
    expect(errorsOf(r)).toEqual([
      { path: 'segments[1].segment', message: 'duplicate segment "enterprise" (first at segments[0])' },
      { path: 'segments', message: 'segment "mid-market" is missing: every segment appears exactly once' },
    ]);
  });

  it('wants minArr strictly decreasing', () => {
    const r = rule();
    r.segments[1].minArr = 250_000;
    expect(errorsOf(r)).toEqual([
      {
        path: 'segments[1].minArr',
        message: 'must be less than segments[0].minArr (250000), got 250000: entries are ordered by decreasing minArr',
      },
    ]);
  });

  it('wants the last entry to be the catch-all, and no entry before it to match everyone', () => {
    const r = rule();
    r.segments[2] = { segment: 'smb', minArr: 1_000, minComplexity: 'medium' };
    r.segments[1].minComplexity = 'low';
    expect(errorsOf(r)).toEqual([
      {
        path: 'segments[1].minComplexity',
        message:
          'only the last entry may have minComplexity low: it matches every account, so the entries after it would never be reached',
      },
      { path: 'segments[2].minArr', message: 'the last entry is the catch-all: minArr must be 0, got 1000' },
      {
        path: 'segments[2].minComplexity',
        message: 'the last entry is the catch-all: minComplexity must be low, got "medium"',
      },
    ]);
  });

  it('wants a valid tier for each of the three segments in tiers', () => {
    const r = rule();
    delete r.tiers['mid-market'];
    r.tiers.smb = 'platinum';
    r.tiers.startup = 'self-service';
    expect(errorsOf(r)).toEqual(
      expect.arrayContaining([
        { path: 'tiers["mid-market"]', message: 'required' },
        { path: 'tiers.smb', message: 'must be one of high-touch, tech-touch, self-service, got "platinum"' },
        { path: 'tiers.startup', message: 'unknown key "startup"' },
      ]),
    );
    expect(errorsOf(r)).toHaveLength(3);
  });
});

describe('SegmentationStore', () => {
  let dataSource: DataSource;
  let store: SegmentationStore;
  const count = async () => Number((await dataSource.query('SELECT count(*) AS n FROM segmentation_rules'))[0].n);

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(testEnv('databaseUrl'))).initialize();
    store = new SegmentationStore(dataSource);
    await store.seedDefault();
  });

  afterAll(async () => {
    // New closed-won deals are segmented by the latest version: leave the shared database as the other test files expect it.
    await dataSource?.query(`DELETE FROM segmentation_rules WHERE published_by = 'test:segmentation-store'`);
    await dataSource?.destroy();
  });

  it('seeds version 1, the default rule, and seeding again changes nothing', async () => {
    const before = await dataSource.query(
      'SELECT version, rule, published_at, published_by, notes FROM segmentation_rules WHERE version = 1',
    );
    await store.seedDefault();
    await store.seedDefault();
    const after = await dataSource.query(
      'SELECT version, rule, published_at, published_by, notes FROM segmentation_rules WHERE version = 1',
    );
    expect(after).toEqual(before);
    expect(after).toEqual([
      {
        version: 1,
        rule: DEFAULT_SEGMENTATION_RULE,
        published_at: expect.any(Date),
        published_by: 'system',
        notes: 'default segmentation rule',
      },
    ]);
    expect(await store.get(1)).toEqual(DEFAULT_SEGMENTATION_RULE);
  });

  it('publishes as the highest version plus one, whatever version the rule says', async () => {
    const latest = await store.latest();
    const next = rule();
    next.version = 42;
    next.segments[0].minArr = 200_000;
    const published = await store.publish(next, 'test:segmentation-store', 'enterprise from 200k');
    expect(published).toEqual({ ok: true, rule: { ...next, version: latest.version + 1 } });
    expect(await store.latest()).toEqual({ ...next, version: latest.version + 1 });
    expect(await store.get(latest.version)).toEqual(latest); // the earlier version is untouched

    const listed = await store.list();
    expect(listed.map((s) => s.version)).toEqual([...listed.map((s) => s.version)].sort((a, b) => a - b));
    expect(listed.at(-1)).toEqual({
      version: latest.version + 1,
      publishedAt: expect.any(Date),
      publishedBy: 'test:segmentation-store',
      notes: 'enterprise from 200k',
    });
  });

  it('gives concurrent publishes distinct consecutive versions', async () => {
    const start = (await store.latest()).version;
    const results = await Promise.all([1, 2, 3].map(() => store.publish(rule(), 'test:segmentation-store')));
    const versions = results.map((r) => (r.ok ? r.rule.version : NaN)).sort((a, b) => a - b);
    expect(versions).toEqual([start + 1, start + 2, start + 3]);
  });

  it('stores nothing for an invalid rule, and says why', async () => {
    const before = await count();
    const latest = await store.latest();
    const bad = rule();
    bad.segments.reverse();
    const result = await store.publish(bad, 'test:segmentation-store');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual(
      expect.arrayContaining([
        {
          path: 'segments[1].minArr',
          message: 'must be less than segments[0].minArr (0), got 50000: entries are ordered by decreasing minArr',
        },
        { path: 'segments[2].minArr', message: 'the last entry is the catch-all: minArr must be 0, got 250000' },
      ]),
    );
    expect(await count()).toBe(before);
    expect(await store.latest()).toEqual(latest);
    expect(await store.publish('not a rule', 'test:segmentation-store')).toEqual({
      ok: false,
      errors: [{ path: '(root)', message: 'expected object, got "not a rule"' }],
    });
    expect(await count()).toBe(before);
  });

  it('answers undefined for a version that does not exist', async () => {
    expect(await store.get(9999)).toBeUndefined();
  });
});
