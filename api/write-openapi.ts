// `npm run openapi`: writes the published contract, docs/openapi.json, from the routes themselves.
import 'reflect-metadata';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createApp, openApiDocument } from './create-app';

/** In the repository, where npm scripts and the tests run. */
export const OPENAPI_FILE = path.resolve('docs', 'openapi.json');

/** The document as the file holds it: stable key order as generated, two-space JSON, a final newline. */
export function openApiFileContent(document: object): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

async function main(): Promise<void> {
  // Nothing is reached: the document comes from the routes' metadata alone.
  const connection = Connection.lazy({ address: '127.0.0.1:1' });
  const app = await createApp({
    databaseUrl: 'postgres://document-only@127.0.0.1:1/none',
    temporalClient: new Client({ connection }),
    taskQueue: 'document-only',
    logger: false,
    documentOnly: true,
  });
  await fs.writeFile(OPENAPI_FILE, openApiFileContent(openApiDocument(app)));
  process.stdout.write(`wrote ${path.relative(process.cwd(), OPENAPI_FILE)}\n`);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
