import { mulberry32 } from '../infra/seeded-random';
import type { DataSource } from 'typeorm';
import type { Segment, Tier } from '../domain/segment';
import { DAY_MS } from '../domain/time';

/**
 * Onboardings with realistic dashboard facts for the benchmark, written straight into the fact
 * tables in batches (the projection's per-row writer would take minutes at 100,000). Seeded, so
 * two runs measure the same data.
 *
 * The shape: enterprise / mid-market / SMB at 20 / 35 / 45 %, closed-won spread over two years
 * before `now`, TTV around each tier's target with a long tail, one CSM per 60 onboardings (a
 * larger book has more CSMs), a quarterly cohort on a fifth of them and a pilot of 8 per 10,000,
 * stalls, blockers and escalations at the rates a CS team sees.
 */
const PROFILE: Record<Segment, { tier: Tier; share: number; targetDays: number; stages: string[] }> = {
  enterprise: {
    tier: 'high-touch',
    share: 0.2,
    targetDays: 45,
    stages: ['kickoff', 'access-and-data', 'integration', 'cutover-hypercare'],
  },
  'mid-market': {
    tier: 'tech-touch',
    share: 0.35,
    targetDays: 30,
    stages: ['welcome', 'technical-setup', 'training', 'adoption', 'handoff-to-bau'],
  },
  smb: { tier: 'self-service', share: 0.45, targetDays: 14, stages: ['welcome', 'setup', 'adoption'] },
};

const RISK_KINDS = [
  'open-blocker:data',
  'open-blocker:auth',
  'open-blocker:cutover',
  'unacknowledged-escalation',
  'hypercare-breach',
];

export const ONBOARDINGS_PER_CSM = 60;
const PERIOD_DAYS = 730;

export interface SeededRange {
  /** Index of the first onboarding to write, and how many. */
  from: number;
  count: number;
  /** Size of the whole book, for the number of CSMs. */
  bookSize: number;
  now: Date;
}

/** Writes onboardings `from` .. `from + count - 1`; batches of 2,000 with unnest. */
export async function seedDashboardFacts(dataSource: DataSource, range: SeededRange): Promise<void> {
  const BATCH = 2000;
  for (let start = range.from; start < range.from + range.count; start += BATCH) {
    const end = Math.min(start + BATCH, range.from + range.count);
    const facts: unknown[][] = Array.from({ length: 20 }, () => []);
    const stages: unknown[][] = Array.from({ length: 9 }, () => []);
    for (let i = start; i < end; i++) writeOne(i, range, facts, stages);
    await dataSource.query(
      `INSERT INTO onboarding_facts (onboarding_id, tier, segment, cohort, csm_id, closed_won_at, status, stalled,
          at_risk, at_risk_kinds, ttv_days, ttv_target_days, milestones_total, milestones_met, milestones_missed,
          milestones_achieved, milestones_overdue, escalations_l1, escalations_l2, escalations_l3, automation_failures,
          playbook_version, facts_as_of)
       SELECT f.id, f.tier, f.segment, f.cohort, f.csm, f.cw, f.status, f.stalled, cardinality(string_to_array(f.kinds, ',')) > 0,
              coalesce(string_to_array(nullif(f.kinds, ''), ','), '{}'), f.ttv, f.target, f.total, f.met, f.missed,
              f.achieved, f.overdue, f.l1, f.l2, f.l3, f.failures, 1, now()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[],
                     $8::boolean[], $9::text[], $10::float8[], $11::int[], $12::int[], $13::int[], $14::int[],
                     $15::int[], $16::int[], $17::int[], $18::int[], $19::int[], $20::int[])
           AS f(id, tier, segment, cohort, csm, cw, status, stalled, kinds, ttv, target, total, met, missed, achieved,
                overdue, l1, l2, l3, failures)`,
      facts,
    );
    await dataSource.query(
      `INSERT INTO stage_durations (onboarding_id, seq, stage, days, tier, segment, cohort, csm_id, closed_won_at)
       SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::float8[], $5::text[], $6::text[], $7::text[],
                            $8::text[], $9::timestamptz[])`,
      stages,
    );
  }
}

function writeOne(i: number, range: SeededRange, facts: unknown[][], stages: unknown[][]): void {
  const r = mulberry32(i * 7919 + 17);
  const roll = r();
  const segment: Segment = roll < 0.2 ? 'enterprise' : roll < 0.55 ? 'mid-market' : 'smb';
  const p = PROFILE[segment];
  const ageDays = r() * PERIOD_DAYS;
  const closedWon = new Date(range.now.getTime() - ageDays * DAY_MS);
  // Log-normal around 90% of target: most on time, a long tail of late ones.
  const gauss = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const wouldTake = p.targetDays * 0.9 * Math.exp(0.45 * gauss);
  const reached = wouldTake <= ageDays;
  const stageCount = p.stages.length;
  const done = reached && ageDays > wouldTake * 2.2 && r() < 0.9;
  const status = r() < 0.03 && ageDays < 20 ? 'handoff-incomplete' : done ? 'completed' : 'in-progress';
  const stalled = status === 'in-progress' && r() < 0.09;
  const total = 5;
  const late = wouldTake > p.targetDays ? 1 + Math.floor(r() * 2) : r() < 0.15 ? 1 : 0;
  const decidedShare = Math.min(1, ageDays / (p.targetDays * 2));
  const achieved = Math.min(total, Math.round(total * decidedShare * (0.8 + r() * 0.2)));
  const missed = Math.min(late, total);
  const met = Math.max(0, achieved - missed);
  const overdue = Math.max(0, Math.min(total - achieved, late - Math.min(late, achieved)));
  const kinds: string[] = [];
  if (stalled) kinds.push('stalled');
  if (status !== 'completed' && r() < 0.08) kinds.push(RISK_KINDS[Math.floor(r() * RISK_KINDS.length)]);
  const cohort = i % 1250 < 1 ? `pilot-${Math.floor(i / 10_000)}` : r() < 0.2 ? `q${Math.floor(ageDays / 91)}` : null;
  const csms = Math.max(1, Math.round(range.bookSize / ONBOARDINGS_PER_CSM));
  const csm = status === 'handoff-incomplete' ? null : `csm-${Math.floor(r() * csms)}`;
  const id = `bench-${i}`;
  const row = [
    id,
    p.tier,
    segment,
    cohort,
    csm,
    closedWon.toISOString(),
    status,
    stalled,
    kinds.join(','),
    reached ? wouldTake : null,
    p.targetDays,
    total,
    met,
    missed,
    achieved,
    overdue,
    Math.floor(r() * 2.5 * (missed + (stalled ? 1 : 0))),
    r() < 0.1 ? 1 : 0,
    r() < 0.03 ? 1 : 0,
    r() < 0.005 ? 1 : 0,
  ];
  row.forEach((v, c) => facts[c].push(v));
  // Stages left so far: in proportion to the way through the journey.
  const left =
    status === 'completed'
      ? stageCount
      : Math.min(stageCount - 1, Math.floor((ageDays / (wouldTake * 2.2)) * stageCount));
  for (let s = 0; s < left; s++) {
    const days = (wouldTake * 2.2 * (0.6 + r() * 0.8)) / stageCount;
    [id, s, p.stages[s], days, p.tier, segment, cohort, csm, closedWon.toISOString()].forEach((v, c) =>
      stages[c].push(v),
    );
  }
}
