import type { Transporter } from 'nodemailer';
import type { DataSource } from 'typeorm';
import type { RedFlagThresholds } from '../src/domain/red-flags';
import type { CountDomainEvents } from '../src/infra/domain-counters';
import type { DeliveryStarter } from '../src/infra/event-delivery-starter';
import { pilotProgressSection } from '../src/reports/pilot-progress-section';
import { redFlagsSection } from '../src/reports/red-flags-section';
import type { TrackerLinks } from '../src/tracker/tracker-links';
import { createCsmAssignmentActivities } from './csm-assignment.activities';
import { createCutoverActivities } from './cutover.activities';
import { createEventDeliveryActivities } from './event-delivery.activities';
import { createNotificationActivities } from './notification.activities';
import { createReadModelActivities } from './read-model.activities';
import { createSummaryReportActivities } from './summary-report.activities';

export interface ActivityDeps {
  dataSource: DataSource;
  mailer: Transporter;
  mailFrom: string;
  webhook?: { url: string; secret: string };
  migrationPlatformUrl: string;
  /** Starts the workflow of each new event delivery (the projection calls it after recording them). */
  startDelivery?: DeliveryStarter;
  /** Counts domain events once recorded (src/infra/domain-counters.ts); unset: not counted. */
  countEvents?: CountDomainEvents;
  /** Issues the tracker link the welcome mail carries. */
  trackerLinks?: TrackerLinks;
  /** The red flags' thresholds (settings' RED_FLAG_*), which the summary report judges by as the dashboard does. */
  redFlags: RedFlagThresholds;
}

/** Every activity the worker registers, built with their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createReadModelActivities(deps.dataSource, {
      startDelivery: deps.startDelivery,
      countEvents: deps.countEvents,
    }),
    ...createEventDeliveryActivities(deps.dataSource),
    ...createCsmAssignmentActivities(deps.dataSource),
    ...createCutoverActivities({ baseUrl: deps.migrationPlatformUrl }),
    ...createNotificationActivities({
      dataSource: deps.dataSource,
      mailer: deps.mailer,
      from: deps.mailFrom,
      webhook: deps.webhook,
      trackerLinks: deps.trackerLinks,
    }),
    ...createSummaryReportActivities({
      dataSource: deps.dataSource,
      mailer: deps.mailer,
      from: deps.mailFrom,
      sectionSources: [
        redFlagsSection({ thresholds: deps.redFlags }),
        pilotProgressSection({ thresholds: deps.redFlags }),
      ],
    }),
  };
}
