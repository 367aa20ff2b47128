import type { DataSource } from 'typeorm';

export interface CsmRosterEntry {
  id: string;
  name: string;
  email: string;
  tiers: string[];
  capacity: number;
  /** Inactive CSMs get no new onboardings and keep the ones they have. Default true. */
  active?: boolean;
}

/** A roster entry with its load: the onboardings it holds a seat for (not yet released). */
export interface CsmWithLoad extends Required<CsmRosterEntry> {
  load: number;
}

/** Adds or replaces CSMs in the roster the assignment activity chooses from. */
export async function upsertCsms(dataSource: DataSource, csms: CsmRosterEntry[]): Promise<void> {
  for (const c of csms) await putCsm(dataSource, c);
}

/** Creates or replaces one CSM; true when it was created. */
export async function putCsm(dataSource: DataSource, c: CsmRosterEntry): Promise<boolean> {
  const [{ created }] = await dataSource.query(
    `INSERT INTO csms (id, name, email, tiers, capacity, active) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email, tiers = EXCLUDED.tiers,
       capacity = EXCLUDED.capacity, active = EXCLUDED.active
     RETURNING (xmax = 0) AS created`,
    [c.id, c.name, c.email, c.tiers, c.capacity, c.active ?? true],
  );
  return created;
}

const WITH_LOAD = `
  SELECT c.id, c.name, c.email, c.tiers, c.capacity, c.active, count(a.onboarding_id)::int AS load
    FROM csms c
    LEFT JOIN csm_assignments a ON a.csm_id = c.id AND a.released_at IS NULL`;

export function listCsms(dataSource: DataSource): Promise<CsmWithLoad[]> {
  return dataSource.query(`${WITH_LOAD} GROUP BY c.id ORDER BY c.id`);
}

export async function getCsm(dataSource: DataSource, id: string): Promise<CsmWithLoad | undefined> {
  const [csm] = await dataSource.query(`${WITH_LOAD} WHERE c.id = $1 GROUP BY c.id`, [id]);
  return csm;
}

/**
 * A demo roster for `npm start` on embedded defaults, added only to an empty roster so that a
 * fresh stack can assign CSMs. A real deployment loads its own team (no demo data is written
 * when DATABASE_URL is set).
 */
export async function seedDemoCsmRoster(dataSource: DataSource): Promise<void> {
  const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM csms`);
  if (count > 0) return;
  await upsertCsms(dataSource, [
    { id: 'csm-ana', name: 'Ana Lopez', email: 'ana.lopez@onboarding.example', tiers: ['high-touch'], capacity: 12 },
    {
      id: 'csm-ben',
      name: 'Ben Okafor',
      email: 'ben.okafor@onboarding.example',
      tiers: ['high-touch', 'tech-touch'],
      capacity: 25,
    },
    {
      id: 'csm-pool',
      name: 'Scaled CS team',
      email: 'scaled-cs@onboarding.example',
      tiers: ['tech-touch', 'self-service'],
      capacity: 500,
    },
  ]);
}
