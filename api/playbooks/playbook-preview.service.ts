import { Injectable } from '@nestjs/common';
import { journeyMap, journeyMapFileName } from '../../src/domain/journey-map';
import type { Playbook } from '../../src/domain/playbook';
import { type JourneyPreview, previewJourney } from '../../src/domain/preview';
import { checkPreviewRequest } from '../../src/playbooks/preview-request';
import { validatePlaybook } from '../../src/playbooks/validate-playbook';
import { invalidRequest, ProblemException } from '../common/problem-details';
import { PlaybooksService } from './playbooks.service';

/** A playbook's journey map: the Mermaid source, and what it was drawn from. */
export interface JourneyMapDocument {
  tier: Playbook['tier'];
  version: number;
  name: string;
  fileName: string;
  mermaid: string;
}

const HOUR_MS = 60 * 60 * 1000;

@Injectable()
export class PlaybookPreviewService {
  constructor(private readonly playbooks: PlaybooksService) {}

  /** The timeline of a scenario; by default the onboarding closes won at the start of the current hour. */
  preview(body: unknown, now: Date): JourneyPreview {
    const checked = checkPreviewRequest(body);
    if (!checked.ok) {
      if (checked.kind === 'request') throw invalidRequest(checked.errors);
      throw invalidPlaybook(checked.errors);
    }
    const startAt = checked.startAt ?? new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS).toISOString();
    return previewJourney(checked.playbook, checked.scenario, { startAt });
  }

  async publishedMap(tier: string, version?: number): Promise<JourneyMapDocument> {
    const playbook =
      version === undefined ? await this.playbooks.latest(tier) : await this.playbooks.version(tier, version);
    return mapOf(playbook);
  }

  draftMap(definition: unknown): JourneyMapDocument {
    return this.draft(definition).map;
  }

  /** A draft definition checked as a publish would check it, and its map. */
  draft(definition: unknown): { playbook: Playbook; map: JourneyMapDocument } {
    const validated = validatePlaybook(definition);
    if (!validated.ok) throw invalidPlaybook(validated.errors);
    return { playbook: validated.playbook, map: mapOf(validated.playbook) };
  }
}

export function mapOf(playbook: Playbook): JourneyMapDocument {
  const { tier, version, name } = playbook;
  return { tier, version, name, fileName: journeyMapFileName(playbook), mermaid: journeyMap(playbook) };
}

function invalidPlaybook(errors: Array<{ path: string; message: string }>): ProblemException {
  return new ProblemException({
    status: 400,
    code: 'InvalidPlaybook',
    detail: `invalid playbook: ${errors.length} problem(s)`,
    errors,
  });
}
