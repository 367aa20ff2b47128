import type { DataSource } from 'typeorm';

/**
 * CRM webhook deliveries already answered (`crm_deliveries`), keyed by source and the CRM's
 * delivery id. Recording is `INSERT ... ON CONFLICT DO NOTHING`: when two copies of a delivery
 * finish together, the first recorded answer is the one every later copy gets.
 */
export interface DeliveryKey {
  source: string;
  deliveryId: string;
}

export class CrmDeliveryStore {
  constructor(private readonly db: DataSource) {}

  /** The first answer to this delivery, if it was answered. */
  async answerOf(key: DeliveryKey): Promise<unknown> {
    const [row] = await this.db.query(`SELECT answer FROM crm_deliveries WHERE source = $1 AND delivery_id = $2`, [
      key.source,
      key.deliveryId,
    ]);
    return row?.answer;
  }

  /** Records the answer unless one is recorded already; returns the recorded one. */
  async record(key: DeliveryKey, onboardingId: string, answer: unknown): Promise<unknown> {
    const inserted = await this.db.query(
      `INSERT INTO crm_deliveries (source, delivery_id, onboarding_id, answer) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (source, delivery_id) DO NOTHING
       RETURNING answer`,
      // Stringified: pg would turn a JS array into a PostgreSQL array, not JSON.
      [key.source, key.deliveryId, onboardingId, JSON.stringify(answer)],
    );
    if (inserted.length > 0) return answer;
    // A statement of its own: its snapshot sees the row the conflicting insert committed.
    return (await this.answerOf(key)) ?? answer;
  }
}
