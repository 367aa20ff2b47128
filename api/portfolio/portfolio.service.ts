import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Not, Repository } from 'typeorm';
import { byWhatNeedsTheCsmFirst, type PortfolioEntry, portfolioEntry } from '../../src/domain/portfolio';
import { listCsms } from '../../src/persistence/csm-roster';
import { OnboardingRecord } from '../../src/persistence/entities/onboarding-record.entity';

export interface CsmPortfolio {
  csmId: string;
  name: string;
  active: boolean;
  capacity: number;
  /** Onboardings assigned now (the roster's count of unreleased assignments). */
  load: number;
  onboardings: PortfolioEntry[];
}

export interface Portfolio {
  generatedAt: string;
  csms: CsmPortfolio[];
  /** Onboardings without a CSM yet (handoff incomplete, or waiting for a seat): for a CS lead only. */
  unassigned: PortfolioEntry[];
}

/**
 * Portfolios from the read model (fast, may trail the live state by a moment): a CSM's own, or
 * every CSM's with capacity and load for a CS lead. Completed onboardings have left the portfolio.
 */
@Injectable()
export class PortfolioService {
  constructor(
    @InjectRepository(OnboardingRecord) private readonly records: Repository<OnboardingRecord>,
    private readonly db: DataSource,
  ) {}

  async portfolio(onlyCsm?: string, now = new Date()): Promise<Portfolio> {
    const [roster, rows] = await Promise.all([
      listCsms(this.db),
      this.records.find({
        where: { status: Not('completed'), ...(onlyCsm ? { csmId: onlyCsm } : {}) },
        order: { id: 'ASC' },
      }),
    ]);
    const entries = rows.map((r) => portfolioEntry(r, now)).sort(byWhatNeedsTheCsmFirst);
    const csms = roster
      .filter((c) => (onlyCsm ? c.id === onlyCsm : true))
      .map((c) => ({
        csmId: c.id,
        name: c.name,
        active: c.active,
        capacity: c.capacity,
        load: c.load,
        onboardings: entries.filter((e) => e.csmId === c.id),
      }));
    return {
      generatedAt: now.toISOString(),
      csms,
      unassigned: onlyCsm ? [] : entries.filter((e) => e.csmId === null),
    };
  }
}
