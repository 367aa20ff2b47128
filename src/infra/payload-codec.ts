import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

/**
 * Encrypts every payload Temporal stores (workflow inputs and results, activity arguments,
 * updates, signals, queries, memo) with AES-256-GCM. Codecs run outside the workflow sandbox, in
 * the client and the worker, so Node's crypto is fine here.
 *
 * An encrypted payload has the metadata `encoding: binary/encrypted` and
 * `encryption-key-id: <id>`; its data is iv(12) || ciphertext || tag(16), the ciphertext being
 * the whole original payload (metadata included) in Temporal's protobuf encoding, and the key id
 * its additional authenticated data. Encoding uses the current key; decoding any listed key, so
 * keys rotate by adding a new current one and keeping the old. Payloads without the encrypted
 * encoding (written before encryption, recorded histories) pass through decode unchanged.
 *
 * A payload of at least COMPRESS_FROM bytes is deflated before it is encrypted, when that makes
 * it smaller (`compression: deflate-raw`; the state and views are JSON and shrink several times),
 * which keeps the history and every transfer small. Compression is bound to the ciphertext: its
 * name is part of the additional authenticated data, so a flag changed in storage fails to
 * authenticate instead of inflating garbage. Payloads written before compression decode as before.
 */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
export const COMPRESSION_METADATA = 'compression';
const COMPRESSION = 'deflate-raw';
/** Below this, deflate's header and the CPU are not worth it. */
const COMPRESS_FROM = 256;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export interface PayloadKeySet {
  /** The id new payloads are encrypted with; one of `keys`. */
  currentKeyId: string;
  /** Every key that may still decrypt, by id: 32 bytes each. */
  keys: Record<string, Buffer>;
}

export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;
  private readonly currentKeyId: string;

  constructor(keySet: PayloadKeySet) {
    this.keys = new Map(Object.entries(keySet.keys));
    this.currentKeyId = keySet.currentKeyId;
    for (const [id, key] of this.keys) assertKey(id, key);
    if (!this.keys.has(this.currentKeyId))
      throw new Error(`payload encryption: the current key id '${this.currentKeyId}' is not among the keys`);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  private encrypt(payload: Payload): Payload {
    const key = this.keys.get(this.currentKeyId)!;
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const deflated = plain.length >= COMPRESS_FROM ? zlib.deflateRawSync(plain) : undefined;
    const compressed = deflated !== undefined && deflated.length < plain.length;
    cipher.setAAD(additionalData(this.currentKeyId, compressed));
    const ciphertext = Buffer.concat([cipher.update(compressed ? deflated : plain), cipher.final()]);
    return {
      metadata: {
        encoding: Buffer.from(ENCRYPTED_ENCODING, 'utf8'),
        [KEY_ID_METADATA]: Buffer.from(this.currentKeyId, 'utf8'),
        ...(compressed ? { [COMPRESSION_METADATA]: Buffer.from(COMPRESSION, 'utf8') } : {}),
      },
      data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
    };
  }

  private decrypt(payload: Payload): Payload {
    const encoding = payload.metadata?.encoding;
    if (!encoding || Buffer.from(encoding).toString('utf8') !== ENCRYPTED_ENCODING) return payload;
    const rawKeyId = payload.metadata?.[KEY_ID_METADATA];
    if (!rawKeyId) throw new PayloadDecryptionError(`encrypted payload has no ${KEY_ID_METADATA} metadata`);
    const keyId = Buffer.from(rawKeyId).toString('utf8');
    const key = this.keys.get(keyId);
    if (!key)
      throw new PayloadDecryptionError(
        `encrypted payload uses key id '${keyId}', which is not configured (known: ${[...this.keys.keys()].join(', ')})`,
      );
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new PayloadDecryptionError(`encrypted payload (key id '${keyId}') is too short`);
    const rawCompression = payload.metadata?.[COMPRESSION_METADATA];
    const compression = rawCompression ? Buffer.from(rawCompression).toString('utf8') : undefined;
    if (compression !== undefined && compression !== COMPRESSION)
      throw new PayloadDecryptionError(`encrypted payload uses compression '${compression}', which is not known`);
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAAD(additionalData(keyId, compression !== undefined));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(
        `encrypted payload (key id '${keyId}') does not authenticate: it was altered, or the key is wrong`,
      );
    }
    return temporal.api.common.v1.Payload.decode(compression ? zlib.inflateRawSync(plain) : plain);
  }
}

/** The key id, and the compression when there is one (so payloads from before stay valid). */
function additionalData(keyId: string, compressed: boolean): Buffer {
  return Buffer.from(compressed ? `${keyId}\n${COMPRESSION}` : keyId, 'utf8');
}

function assertKey(id: string, key: Buffer): void {
  if (!id || /[\s,:]/.test(id))
    throw new Error(`payload encryption: key id '${id}' must be non-empty, without , : or spaces`);
  if (key.length !== KEY_BYTES)
    throw new Error(`payload encryption: key '${id}' must be ${KEY_BYTES} bytes (base64), got ${key.length}`);
}

/** `PAYLOAD_ENCRYPTION_KEYS`: `id:base64key,id:base64key`. Errors name the id, never the key. */
export function parseKeyList(raw: string): Record<string, Buffer> {
  const keys: Record<string, Buffer> = {};
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const colon = entry.indexOf(':');
    if (colon < 1) throw new Error('PAYLOAD_ENCRYPTION_KEYS must be a comma-separated list of id:base64key');
    const id = entry.slice(0, colon).trim();
    if (keys[id]) throw new Error(`PAYLOAD_ENCRYPTION_KEYS lists key id '${id}' twice`);
    keys[id] = decodeKey(id, entry.slice(colon + 1).trim());
  }
  return keys;
}

/** A key file: JSON `{ "current": "id", "keys": { "id": "base64" } }`. */
export function readKeyFile(file: string): PayloadKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(
      `payload encryption key file ${file} cannot be read as JSON: ${(err as NodeJS.ErrnoException).code ?? 'invalid JSON'}`,
    );
  }
  const { current, keys } = (parsed ?? {}) as { current?: unknown; keys?: unknown };
  if (typeof current !== 'string' || !keys || typeof keys !== 'object' || Array.isArray(keys))
    throw new Error(
      `payload encryption key file ${file} must be { "current": "<id>", "keys": { "<id>": "<base64>" } }`,
    );
  const decoded: Record<string, Buffer> = {};
  for (const [id, value] of Object.entries(keys)) {
    if (typeof value !== 'string') throw new Error(`payload encryption key file ${file}: key '${id}' must be base64`);
    decoded[id] = decodeKey(id, value);
  }
  if (!decoded[current])
    throw new Error(`payload encryption key file ${file}: current key id '${current}' is not in keys`);
  return { currentKeyId: current, keys: decoded };
}

/** The embedded default's key file: created once (mode 0600) with a fresh key, then read. */
export function ensureKeyFile(file: string): { keySet: PayloadKeySet; created: boolean } {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const id = `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`;
  const content = `${JSON.stringify({ current: id, keys: { [id]: crypto.randomBytes(KEY_BYTES).toString('base64') } }, null, 2)}\n`;
  let created = false;
  try {
    // 'wx': never overwrite a key file (losing its key would lose every encrypted payload).
    fs.writeFileSync(file, content, { mode: 0o600, flag: 'wx' });
    created = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return { keySet: readKeyFile(file), created };
}

function decodeKey(id: string, base64: string): Buffer {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new Error(`payload encryption: key '${id}' is not base64`);
  const key = Buffer.from(base64, 'base64');
  assertKey(id, key);
  return key;
}

/** A fresh key set with one key, e.g. for tests. */
export function generateKeySet(id = 'k1'): PayloadKeySet {
  return { currentKeyId: id, keys: { [id]: crypto.randomBytes(KEY_BYTES) } };
}

/** `PAYLOAD_ENCRYPTION_KEYS`' form of a key set. */
export function formatKeyList(keySet: PayloadKeySet): string {
  return Object.entries(keySet.keys)
    .map(([id, key]) => `${id}:${key.toString('base64')}`)
    .join(',');
}
