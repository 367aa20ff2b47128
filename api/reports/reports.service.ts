import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { REPORT_ID_PATTERN } from '../../src/domain/report-period';
import { ReportStore, type StoredReport } from '../../src/persistence/report-store';
import { chartPng, chartsOf } from '../../src/reports/summary-charts';
import { summaryHtml } from '../../src/reports/summary-rendering';
import { notFound } from '../common/problem-details';

/** Past summary reports, as the report workflow stored them. */
@Injectable()
export class ReportsService {
  private readonly store: ReportStore;

  constructor(dataSource: DataSource) {
    this.store = new ReportStore(dataSource);
  }

  list(page: { limit: number; offset: number }) {
    return this.store.list(page);
  }

  async get(id: string): Promise<StoredReport> {
    // An id that cannot name a report is simply not found (no query for it).
    const report = REPORT_ID_PATTERN.test(id) ? await this.store.get(id) : undefined;
    if (!report) throw notFound(`no report ${id}`);
    return report;
  }

  /** The HTML as mailed, with the charts as data URIs instead of mail attachments (a browser has no `cid:`). */
  async html(id: string): Promise<string> {
    const { content } = await this.get(id);
    const charts = chartsOf(content);
    return summaryHtml(content, charts, (chart) => `data:image/png;base64,${chartPng(chart).toString('base64')}`);
  }
}
