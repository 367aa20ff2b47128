import * as path from 'node:path';
import type { PayloadCodec } from '@temporalio/common';
import { PAYLOAD_ENCRYPTION_VARIABLES, type Settings } from '../config/settings';
import { AesGcmPayloadCodec, ensureKeyFile, readKeyFile } from './payload-codec';

export const KEY_FILE_NAME = 'payload-keys.json';

/**
 * The payload codec for these settings. `embedded`: the stack runs its own Temporal dev server
 * (no TEMPORAL_ADDRESS), whose data lives in DATA_DIR; with no keys configured, a key file is
 * created there once and used afterwards. Anywhere else, encryption is required: no keys and no
 * explicit PAYLOAD_ENCRYPTION=off stops the start with the variables to set.
 */
export function payloadCodecFor(
  settings: Pick<Settings, 'payloadEncryption' | 'dataDir'>,
  opts: { embedded: boolean; log?: (line: string) => void },
): PayloadCodec | undefined {
  const setting = settings.payloadEncryption;
  switch (setting.mode) {
    case 'off':
      opts.log?.('payload encryption is off (PAYLOAD_ENCRYPTION=off): Temporal stores payloads in plain JSON');
      return undefined;
    case 'keys':
      return new AesGcmPayloadCodec(setting.keySet);
    case 'key-file':
      return new AesGcmPayloadCodec(readKeyFile(setting.file));
    case 'unset': {
      if (!opts.embedded)
        throw new Error(
          `payload encryption keys are not configured: set ${PAYLOAD_ENCRYPTION_VARIABLES} (see README, "Payload encryption")`,
        );
      const file = path.join(settings.dataDir, KEY_FILE_NAME);
      const { keySet, created } = ensureKeyFile(file);
      if (created) opts.log?.(`created the payload encryption key file ${file}: keep it with the data folder`);
      return new AesGcmPayloadCodec(keySet);
    }
  }
}
