import type { DataSource, EntityManager } from 'typeorm';
import { DAY_MS } from '../domain/time';
import { checkTrackerLink, signTrackerLink, type TrackerLinkClaims } from './tracker-link-token';

export interface TrackerLinkOptions {
  secret: string;
  ttlDays: number;
  /** The API as customers reach it: links are `<publicBaseUrl>/tracker/<token>`. */
  publicBaseUrl: string;
}

export interface IssuedTrackerLink {
  url: string;
  expiresAt: string;
}

/** Why a link is refused; the page says it in plain words and never which onboarding it named. */
export type TrackerLinkRefusal = 'malformed' | 'bad-signature' | 'expired' | 'revoked';

export type TrackerLinkVerdict = { ok: true; claims: TrackerLinkClaims } | { ok: false; reason: TrackerLinkRefusal };

/**
 * Issues, checks and revokes the customer's tracker links over `tracker_links` (one row per
 * onboarding, its current generation). Used by the notification activity (the welcome mail) and
 * by the API (the tracker page, and the team's "send a new link" and "revoke").
 */
export class TrackerLinks {
  constructor(
    private readonly db: DataSource,
    private readonly opts: TrackerLinkOptions,
  ) {}

  /**
   * A link signed with the onboarding's current generation, valid for the configured days. Inside
   * a transaction, pass it as `within`: a second connection from the same pool, while the
   * transaction holds one, can wait forever once every connection is held that way.
   */
  async issue(
    onboardingId: string,
    { now = new Date(), within }: { now?: Date; within?: EntityManager } = {},
  ): Promise<IssuedTrackerLink> {
    const [{ generation }] = await (within ?? this.db).query(
      `INSERT INTO tracker_links (onboarding_id) VALUES ($1)
       ON CONFLICT (onboarding_id) DO UPDATE SET issued_at = now()
       RETURNING generation`,
      [onboardingId],
    );
    const expiresAt = new Date(now.getTime() + this.opts.ttlDays * DAY_MS);
    return { url: this.urlOf(this.sign({ onboardingId, generation, expiresAt })), expiresAt: expiresAt.toISOString() };
  }

  sign(claims: TrackerLinkClaims): string {
    return signTrackerLink(this.opts.secret, claims);
  }

  urlOf(token: string): string {
    return `${this.opts.publicBaseUrl}/tracker/${token}`;
  }

  async verify(token: string, now = new Date()): Promise<TrackerLinkVerdict> {
    const checked = checkTrackerLink(this.opts.secret, token, now);
    if (!checked.ok) return checked;
    const [row] = await this.db.query(`SELECT generation FROM tracker_links WHERE onboarding_id = $1`, [
      checked.claims.onboardingId,
    ]);
    if (!row || row.generation !== checked.claims.generation) return { ok: false, reason: 'revoked' };
    return checked;
  }

  /** Every link issued so far stops working; a link issued after works again. */
  async revoke(onboardingId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO tracker_links (onboarding_id, generation, revoked_at) VALUES ($1, 2, now())
       ON CONFLICT (onboarding_id) DO UPDATE SET generation = tracker_links.generation + 1, revoked_at = now()`,
      [onboardingId],
    );
  }
}
