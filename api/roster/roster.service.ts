import { Injectable, Logger } from '@nestjs/common';
import { notFound } from '../common/problem-details';
import { Client } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { signalOnboardingsWaitingForCsm } from '../../src/infra/roster-changes';
import { CsmWithLoad, getCsm, listCsms, putCsm } from '../../src/persistence/csm-roster';
import { PutCsmDto } from './dto/put-csm.dto';

/**
 * The CSM roster the assignment activity chooses from (src/persistence/csm-roster.ts). Every
 * change tells the onboardings waiting for a seat, so they are assigned at once, not at their
 * next retry.
 */
@Injectable()
export class RosterService {
  private readonly log = new Logger(RosterService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly client: Client,
  ) {}

  list(): Promise<CsmWithLoad[]> {
    return listCsms(this.dataSource);
  }

  async get(id: string): Promise<CsmWithLoad> {
    const csm = await getCsm(this.dataSource, id);
    if (!csm) throw notFound(`no CSM '${id}' in the roster`);
    return csm;
  }

  async put(id: string, dto: PutCsmDto): Promise<{ csm: CsmWithLoad; created: boolean }> {
    const created = await putCsm(this.dataSource, { id, ...dto, active: dto.active ?? true });
    await this.rosterChanged();
    return { csm: await this.get(id), created };
  }

  /** Deactivates (a CSM's past assignments keep referring to it): no new onboardings. */
  async deactivate(id: string): Promise<CsmWithLoad> {
    const csm = await this.get(id);
    await putCsm(this.dataSource, { ...csm, active: false });
    return { ...csm, active: false };
  }

  private async rosterChanged(): Promise<void> {
    // The change is stored: a failed signal only delays the waiting onboardings to their next retry.
    try {
      const { told, failed } = await signalOnboardingsWaitingForCsm(this.client, {
        onSignalFailed: (id, err) => this.log.warn(`roster changed, but ${id} could not be told (it retries): ${err}`),
      });
      if (told || failed)
        this.log.log(`roster changed: ${told} onboarding(s) waiting for a CSM told, ${failed} not (they retry)`);
    } catch (err) {
      this.log.warn(`roster changed, but the waiting onboardings could not be told (they retry on their own): ${err}`);
    }
  }
}
