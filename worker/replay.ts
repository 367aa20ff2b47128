// `npm run replay -- <workflow id>` or `npm run replay -- --file history.json`: replays a
// workflow's history against the current workflow code and says whether it still replays, and
// if not, where it diverges. The engineer's first step after a failed run: does today's code
// still understand what happened? Exit codes: 0 replays, 1 diverges, 2 could not replay.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadSettings } from '../src/config/settings';
import { AesGcmPayloadCodec, readKeyFile } from '../src/infra/payload-codec';
import { KEY_FILE_NAME, payloadCodecFor } from '../src/infra/payload-encryption';
import { connectClient } from '../src/infra/temporal-connection';
import { workflowsPath as builtWorkflowsPath } from './create-worker';
import { replayHistory } from './replay-history';

const USAGE = `usage: npm run replay -- <workflow id> [--run-id ID] [--address HOST:PORT] [--namespace NS] [--workflows PATH]
       npm run replay -- --file history.json [--workflows PATH]

  <workflow id>   fetch the history from the Temporal server (TEMPORAL_ADDRESS, or --address; default 127.0.0.1:7233)
  --file          a history JSON, as exported from the Temporal UI or by \`temporal workflow show --output json\`
  --workflows     replay against this workflows module instead of the built workflows/ (e.g. a fix under test)

  Encrypted histories are decrypted with PAYLOAD_ENCRYPTION_KEYS / PAYLOAD_ENCRYPTION_KEY_FILE, or with
  the key file npm start created in DATA_DIR; histories in plain JSON need no key.`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      file: { type: 'string' },
      'run-id': { type: 'string' },
      address: { type: 'string' },
      namespace: { type: 'string' },
      workflows: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || (!values.file && positionals.length !== 1) || (values.file && positionals.length > 0)) {
    console.error(USAGE);
    return 2;
  }
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const workflowsPath = values.workflows ? path.resolve(values.workflows) : builtWorkflowsPath();

  let history: unknown;
  let label: string;
  if (values.file) {
    history = JSON.parse(fs.readFileSync(values.file, 'utf8'));
    label = values.file;
  } else {
    const [workflowId] = positionals;
    const address = values.address ?? process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
    // Fetching needs no codec: the history is replayed as the server stores it, decrypted below.
    const { client, connection } = await connectClient(address, values.namespace ?? process.env.TEMPORAL_NAMESPACE);
    try {
      history = await client.workflow.getHandle(workflowId, values['run-id']).fetchHistory();
    } finally {
      await connection.close();
    }
    label = `${workflowId}${values['run-id'] ? ` (run ${values['run-id']})` : ''}`;
  }

  const outcome = await replayHistory(history, {
    workflowId: positionals[0] ?? path.basename(label, '.json'),
    workflowsPath,
    payloadCodec: replayCodec(),
  });
  if (outcome.ok) {
    console.log(
      `replays cleanly: ${label}, ${outcome.events} events, against ${path.relative(process.cwd(), workflowsPath)}`,
    );
    return 0;
  }
  console.log(`DIVERGES: ${label}, ${outcome.events} events, against ${path.relative(process.cwd(), workflowsPath)}`);
  if (outcome.at) console.log(`first divergence at event ${outcome.at.eventId} (${outcome.at.eventType})`);
  console.log(outcome.divergence);
  return 1;
}

/** The configured keys, else npm start's key file if there is one; else none (plain histories replay without). */
function replayCodec() {
  const settings = loadSettings();
  if (settings.payloadEncryption.mode !== 'unset') return payloadCodecFor(settings, { embedded: false });
  const file = path.join(settings.dataDir, KEY_FILE_NAME);
  return fs.existsSync(file) ? new AesGcmPayloadCodec(readKeyFile(file)) : undefined;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    const message = err instanceof Error ? err.message : String(err);
    // The workflow could not read its input: the history is encrypted and no key decrypted it.
    const hint = message.includes('binary/encrypted')
      ? ' (an encrypted history: set PAYLOAD_ENCRYPTION_KEYS and PAYLOAD_ENCRYPTION_KEY_ID, or PAYLOAD_ENCRYPTION_KEY_FILE)'
      : '';
    console.error(`could not replay: ${message}${hint}`);
    process.exit(2);
  },
);
