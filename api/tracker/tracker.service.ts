import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type CustomerTracker, customerTracker } from '../../src/domain/customer-tracker';
import { PlaybookStore } from '../../src/playbooks/playbook-store';
import {
  recordSatisfaction,
  type SatisfactionResponse,
  satisfactionOf,
} from '../../src/persistence/satisfaction-responses';
import type { TrackerLinkRefusal, TrackerLinks } from '../../src/tracker/tracker-links';
import { OnboardingsService } from '../onboardings/onboardings.service';

export const TRACKER_LINKS = Symbol('TRACKER_LINKS');

export type OpenedTracker =
  | { ok: true; onboardingId: string; tracker: CustomerTracker; satisfaction?: SatisfactionResponse }
  | { ok: false; reason: TrackerLinkRefusal };

/** The customer's tracker behind its link: the live state, reduced to what the customer may see. */
@Injectable()
export class TrackerService {
  constructor(
    @Inject(TRACKER_LINKS) private readonly links: TrackerLinks,
    private readonly onboardings: OnboardingsService,
    private readonly playbooks: PlaybookStore,
    private readonly db: DataSource,
  ) {}

  async open(token: string): Promise<OpenedTracker> {
    const verdict = await this.links.verify(token);
    if (!verdict.ok) return verdict;
    const { onboardingId } = verdict.claims;
    const state = await this.onboardings.getState(onboardingId);
    const playbook = await this.playbooks.get(state.tier, state.playbookVersion);
    return {
      ok: true,
      onboardingId,
      tracker: customerTracker(state, playbook?.stages ?? []),
      satisfaction: await satisfactionOf(this.db, onboardingId),
    };
  }

  /** Records the answer when the journey is at its end; the latest answer is kept. */
  async answer(
    token: string,
    answer: { score: number; comment?: string },
  ): Promise<{ ok: true } | { ok: false; reason: TrackerLinkRefusal } | { ok: false; refusal: string }> {
    const opened = await this.open(token);
    if (!opened.ok) return opened;
    if (!opened.tracker.satisfactionOpen)
      return { ok: false, refusal: 'We will ask how it went at the end of your onboarding; it is not over yet.' };
    await recordSatisfaction(this.db, opened.onboardingId, answer);
    return { ok: true };
  }
}
