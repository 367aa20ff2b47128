/**
 * The floor under any HTTP API in front of Temporal, as a child process of `npm run bench`: node's
 * own `http` server answering `GET /onboardings/:id` with the workflow's `getState` query through
 * the same client, codec and connection settings as the API, and nothing else (no framework,
 * authentication, validation, logging or metrics). What it costs beyond the raw client is the
 * HTTP hop itself; what the API costs beyond it is the API's own serving. Not a product path:
 * it listens on 127.0.0.1 only, on BARE_QUERY_PORT, and stops on SIGTERM.
 */
import 'reflect-metadata';
import * as http from 'node:http';
import { loadSettings } from '../config/settings';
import { getStateQuery } from '../contracts/onboarding.contract';
import { payloadCodecFor } from '../infra/payload-encryption';
import { connectClient } from '../infra/temporal-connection';

async function main(): Promise<void> {
  const codec = payloadCodecFor(loadSettings(process.env), { embedded: false });
  const { client, connection } = await connectClient(
    process.env.TEMPORAL_ADDRESS,
    process.env.TEMPORAL_NAMESPACE,
    codec,
  );
  const server = http.createServer((req, res) => {
    // Listening only once connected to Temporal: any answer to /health means ready.
    if (req.url === '/health') {
      res.end('ok');
      return;
    }
    const match = /^\/onboardings\/([^/?]+)$/.exec(req.url ?? '');
    if (req.method !== 'GET' || !match) {
      res.statusCode = 404;
      res.end();
      return;
    }
    client.workflow
      .getHandle(decodeURIComponent(match[1]))
      .query(getStateQuery)
      .then(
        (view) => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(view));
        },
        (err: unknown) => {
          res.statusCode = 500;
          res.end(String(err));
        },
      );
  });
  server.listen(Number(process.env.BARE_QUERY_PORT), '127.0.0.1', () =>
    process.stdout.write('bare query server listening\n'),
  );
  process.once('SIGTERM', () => server.close(() => void connection.close().finally(() => process.exit(0))));
}

main().catch((err) => {
  process.stderr.write(`bare query server failed: ${err}\n`);
  process.exit(1);
});
