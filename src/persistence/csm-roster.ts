import type { DataSource } from 'typeorm';

export interface CsmRosterEntry {
  id: string;
  name: string;
  email: string;
  tiers: string[];
  capacity: number;
}

/** Adds or updates CSMs in the roster the assignment activity chooses from. */
export async function upsertCsms(dataSource: DataSource, csms: CsmRosterEntry[]): Promise<void> {
  for (const c of csms) {
    await dataSource.query(
      `INSERT INTO csms (id, name, email, tiers, capacity, active) VALUES ($1, $2, $3, $4, $5, true)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email, tiers = EXCLUDED.tiers,
         capacity = EXCLUDED.capacity, active = true`,
      [c.id, c.name, c.email, c.tiers, c.capacity],
    );
  }
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
    { id: 'csm-ben', name: 'Ben Okafor', email: 'ben.okafor@onboarding.example', tiers: ['high-touch', 'tech-touch'], capacity: 25 },
    { id: 'csm-pool', name: 'Scaled CS team', email: 'scaled-cs@onboarding.example', tiers: ['tech-touch', 'self-service'], capacity: 500 },
  ]);
}
