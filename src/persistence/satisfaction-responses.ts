import type { DataSource } from 'typeorm';

export interface SatisfactionResponse {
  score: number;
  comment: string | null;
  answeredAt: string;
}

/** The customer's answer at the end of the journey: one per onboarding, the latest kept. */
export async function recordSatisfaction(
  db: DataSource,
  onboardingId: string,
  answer: { score: number; comment?: string },
): Promise<void> {
  await db.query(
    `INSERT INTO satisfaction_responses (onboarding_id, score, comment, answered_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (onboarding_id) DO UPDATE SET score = EXCLUDED.score, comment = EXCLUDED.comment, answered_at = now()`,
    [onboardingId, answer.score, answer.comment ?? null],
  );
}

export async function satisfactionOf(db: DataSource, onboardingId: string): Promise<SatisfactionResponse | undefined> {
  const [row] = await db.query(
    `SELECT score, comment, answered_at AS "answeredAt" FROM satisfaction_responses WHERE onboarding_id = $1`,
    [onboardingId],
  );
  return row ? { ...row, answeredAt: new Date(row.answeredAt).toISOString() } : undefined;
}
