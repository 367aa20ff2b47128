// `npm run migrate`: applies pending migrations to DATABASE_URL (for deployments that run
// migrations as their own step, e.g. the docker-compose `migrate` service).
import 'reflect-metadata';
import { migrate } from './data-source';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}
migrate(url).then(
  (applied) => console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date'),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
