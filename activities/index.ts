import type { Transporter } from 'nodemailer';
import type { DataSource } from 'typeorm';
import { createCsmAssignmentActivities } from './csm-assignment.activities';
import { createCutoverActivities } from './cutover.activities';
import { createNotificationActivities } from './notification.activities';
import { createReadModelActivities } from './read-model.activities';

export interface ActivityDeps {
  dataSource: DataSource;
  mailer: Transporter;
  mailFrom: string;
  webhook?: { url: string; secret: string };
  migrationPlatformUrl: string;
}

/** Every activity the worker registers, built with their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createReadModelActivities(deps.dataSource),
    ...createCsmAssignmentActivities(deps.dataSource),
    ...createCutoverActivities({ baseUrl: deps.migrationPlatformUrl }),
    ...createNotificationActivities({
      dataSource: deps.dataSource,
      mailer: deps.mailer,
      from: deps.mailFrom,
      webhook: deps.webhook,
    }),
  };
}
