/**
 * The published contract, docs/openapi.json, is what the running API serves: a route, a role, a
 * field or an error changed without `npm run openapi` fails here.
 */
import * as fs from 'node:fs';
import request from 'supertest';
import { openApiFileContent, OPENAPI_FILE } from '../../api/write-openapi';
import { useApiHarness } from '../support/api-harness';

const h = useApiHarness();

it('docs/openapi.json is the document the running API serves (run `npm run openapi` after changing the API)', async () => {
  const served = (await request(h.http).get('/docs/openapi.json').expect(200)).body;
  const published = fs.readFileSync(OPENAPI_FILE, 'utf8');
  // Compared as text: a difference shows as the lines that differ.
  expect(published).toBe(openApiFileContent(served));
});

it('publishes the bearer scheme and the roles of every operation that takes one', () => {
  const doc = JSON.parse(fs.readFileSync(OPENAPI_FILE, 'utf8'));
  expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  const start = doc.paths['/onboardings'].post;
  expect(start.security).toEqual([{ bearer: [] }]);
  expect(start['x-roles']).toEqual(['cs-platform']);
  expect(doc.paths['/health'].get.security).toBeUndefined();
});
