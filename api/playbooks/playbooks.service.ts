import { publicationNotes } from '../common/publication-notes';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Playbook } from '../../src/domain/playbook';
import { Tier, TIERS } from '../../src/domain/segment';
import { PlaybookNotPublishedError, PlaybookStore, PlaybookSummary } from '../../src/playbooks/playbook-store';
import { PlaybookError, validatePlaybook } from '../../src/playbooks/validate-playbook';
import { notFound, ProblemException } from '../common/problem-details';
import { PublishPlaybookDto } from './dto/publish-playbook.dto';

@Injectable()
export class PlaybooksService implements OnApplicationBootstrap {
  constructor(private readonly store: PlaybookStore) {}

  /** The defaults are loaded on first start, so onboardings always find a playbook. */
  async onApplicationBootstrap(): Promise<void> {
    await this.store.seedDefaults();
  }

  list(): Promise<PlaybookSummary[]> {
    return this.store.list();
  }

  async latest(tierParam: string): Promise<Playbook> {
    const tier = knownTier(tierParam);
    try {
      return await this.store.latest(tier);
    } catch (err) {
      if (err instanceof PlaybookNotPublishedError) throw notFound(err.message);
      throw err;
    }
  }

  async version(tierParam: string, version: number): Promise<Playbook> {
    const playbook = await this.store.get(knownTier(tierParam), version);
    if (!playbook) throw notFound(`playbook ${tierParam} has no version ${version}`);
    return playbook;
  }

  validate(definition: unknown): { valid: boolean; errors: PlaybookError[] } {
    const validation = validatePlaybook(definition);
    return { valid: validation.ok, errors: validation.ok ? [] : validation.errors };
  }

  async publish(
    tierParam: string,
    dto: PublishPlaybookDto,
    publisher: string,
  ): Promise<{ tier: Tier; version: number }> {
    const tier = knownTier(tierParam);
    const published = await this.store.publish(tier, dto.definition, publisher, publicationNotes(dto));
    if (!published.ok) {
      throw new ProblemException({
        status: 400,
        code: 'InvalidPlaybook',
        detail: `invalid playbook: ${published.errors.length} problem(s)`,
        errors: published.errors,
      });
    }
    return { tier, version: published.playbook.version };
  }
}

function knownTier(value: string): Tier {
  if ((TIERS as readonly string[]).includes(value)) return value as Tier;
  throw notFound(`unknown tier "${value}": valid tiers are ${TIERS.join(', ')}`);
}
