import type { DataSource } from 'typeorm';
import { createReadModelActivities } from './read-model.activities';

/** Every activity the worker registers, built with their dependencies. */
export function createActivities(deps: { dataSource: DataSource }) {
  return {
    ...createReadModelActivities(deps.dataSource),
  };
}
