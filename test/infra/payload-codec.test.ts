import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Payload } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import { loadSettings } from '../../src/config/settings';
import {
  AesGcmPayloadCodec,
  COMPRESSION_METADATA,
  ENCRYPTED_ENCODING,
  ensureKeyFile,
  formatKeyList,
  generateKeySet,
  KEY_ID_METADATA,
  PayloadDecryptionError,
} from '../../src/infra/payload-codec';
import { payloadCodecFor } from '../../src/infra/payload-encryption';

const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
const personal = { name: 'Ada Lovelace', email: 'ada@customer.example' };
const plain = (): Payload => defaultPayloadConverter.toPayload(personal)!;

describe('AesGcmPayloadCodec', () => {
  const old = generateKeySet('k-2026-01');
  const current = generateKeySet('k-2026-06');

  it('round-trips a payload, metadata included, and hides its data', async () => {
    const codec = new AesGcmPayloadCodec(current);
    const [encoded] = await codec.encode([plain()]);
    expect(text(encoded.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encoded.metadata?.[KEY_ID_METADATA])).toBe('k-2026-06');
    expect(Object.keys(encoded.metadata ?? {}).sort()).toEqual(['encoding', KEY_ID_METADATA]);
    expect(text(encoded.data)).not.toContain('Ada');
    expect(text(encoded.data)).not.toContain('json/plain');
    // iv(12) || ciphertext || tag(16); a fresh iv each time.
    const [again] = await codec.encode([plain()]);
    expect(Buffer.from(again.data!).subarray(0, 12)).not.toEqual(Buffer.from(encoded.data!).subarray(0, 12));
    const [decoded] = await codec.decode([encoded]);
    expect(text(decoded.metadata?.encoding)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual(personal);
  });

  it('after a rotation, decodes payloads of the old key and encodes with the current one', async () => {
    const before = new AesGcmPayloadCodec(old);
    const [written] = await before.encode([plain()]);
    const rotated = new AesGcmPayloadCodec({
      currentKeyId: current.currentKeyId,
      keys: { ...old.keys, ...current.keys },
    });
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([written]))[0])).toEqual(personal);
    const [fresh] = await rotated.encode([plain()]);
    expect(text(fresh.metadata?.[KEY_ID_METADATA])).toBe('k-2026-06');
  });

  it('refuses a payload of an unknown key id, naming the id and never a key', async () => {
    const [written] = await new AesGcmPayloadCodec(old).encode([plain()]);
    const err = await new AesGcmPayloadCodec(current).decode([written]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PayloadDecryptionError);
    expect((err as Error).message).toContain("'k-2026-01'");
    for (const key of [...Object.values(old.keys), ...Object.values(current.keys)])
      expect((err as Error).message).not.toContain(key.toString('base64'));
  });

  it('passes payloads without the encrypted encoding through decode unchanged', async () => {
    const codec = new AesGcmPayloadCodec(current);
    const payload = plain();
    const empty: Payload = { metadata: { encoding: Buffer.from('binary/null') } };
    expect(await codec.decode([payload, empty])).toEqual([payload, empty]);
  });

  it('refuses altered ciphertext, an altered key id and a truncated payload', async () => {
    const codec = new AesGcmPayloadCodec({
      currentKeyId: 'a',
      keys: { ...generateKeySet('a').keys, b: current.keys['k-2026-06'] },
    });
    const [encoded] = await codec.encode([plain()]);
    const flipped = Buffer.from(encoded.data!);
    flipped[20] ^= 1;
    await expect(codec.decode([{ ...encoded, data: flipped }])).rejects.toThrow(/does not authenticate/);
    // The key id is authenticated too: relabelling a payload with another known key fails.
    const relabelled = { ...encoded, metadata: { ...encoded.metadata, [KEY_ID_METADATA]: Buffer.from('b') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/does not authenticate/);
    await expect(codec.decode([{ ...encoded, data: Buffer.from(encoded.data!).subarray(0, 10) }])).rejects.toThrow(
      /too short/,
    );
  });

  it('deflates a large payload before encrypting it, and inflates it back; a small one goes as it is', async () => {
    const codec = new AesGcmPayloadCodec(current);
    const state = { ...personal, audit: Array.from({ length: 200 }, (_, seq) => ({ seq, action: 'task-completed' })) };
    const large = defaultPayloadConverter.toPayload(state)!;
    const [encoded] = await codec.encode([large]);
    expect(text(encoded.metadata?.[COMPRESSION_METADATA])).toBe('deflate-raw');
    // JSON state shrinks several times.
    expect(encoded.data!.length * 4).toBeLessThan(large.data!.length);
    expect(defaultPayloadConverter.fromPayload((await codec.decode([encoded]))[0])).toEqual(state);
    const [small] = await codec.encode([defaultPayloadConverter.toPayload('ok')!]);
    expect(small.metadata?.[COMPRESSION_METADATA]).toBeUndefined();
  });

  it('refuses a payload whose compression flag was removed, added or changed', async () => {
    const codec = new AesGcmPayloadCodec(current);
    const large = defaultPayloadConverter.toPayload({ text: 'x'.repeat(2000) })!;
    const [compressed] = await codec.encode([large]);
    const { [COMPRESSION_METADATA]: _flag, ...withoutFlag } = compressed.metadata!;
    await expect(codec.decode([{ ...compressed, metadata: withoutFlag }])).rejects.toThrow(/does not authenticate/);
    const [uncompressed] = await codec.encode([plain()]);
    const flagged = { ...uncompressed.metadata, [COMPRESSION_METADATA]: Buffer.from('deflate-raw') };
    await expect(codec.decode([{ ...uncompressed, metadata: flagged }])).rejects.toThrow(/does not authenticate/);
    const zstd = { ...compressed.metadata, [COMPRESSION_METADATA]: Buffer.from('zstd') };
    await expect(codec.decode([{ ...compressed, metadata: zstd }])).rejects.toThrow(/compression 'zstd'/);
  });

  it('refuses keys that are not 32 bytes and a current id that is not listed', () => {
    expect(() => new AesGcmPayloadCodec({ currentKeyId: 'x', keys: { x: Buffer.alloc(16) } })).toThrow(/32 bytes/);
    expect(() => new AesGcmPayloadCodec({ currentKeyId: 'y', keys: current.keys })).toThrow(/'y'/);
  });
});

describe('payload encryption settings', () => {
  const keys = { currentKeyId: 'new', keys: { ...generateKeySet('old').keys, ...generateKeySet('new').keys } };

  it('reads PAYLOAD_ENCRYPTION_KEYS with the current id', () => {
    const setting = loadSettings({
      PAYLOAD_ENCRYPTION_KEYS: formatKeyList(keys),
      PAYLOAD_ENCRYPTION_KEY_ID: 'new',
    }).payloadEncryption;
    expect(setting).toEqual({ mode: 'keys', keySet: keys });
    expect(() => loadSettings({ PAYLOAD_ENCRYPTION_KEYS: formatKeyList(keys) })).toThrow(/PAYLOAD_ENCRYPTION_KEY_ID/);
    expect(() =>
      loadSettings({ PAYLOAD_ENCRYPTION_KEYS: formatKeyList(keys), PAYLOAD_ENCRYPTION_KEY_ID: 'other' }),
    ).toThrow(/'other'/);
    expect(() => loadSettings({ PAYLOAD_ENCRYPTION_KEYS: 'k:c2hvcnQ=' })).toThrow(/key 'k' must be 32 bytes/);
  });

  it('reads the codec endpoint switch and the UI origins (default: the embedded UI on its port)', () => {
    expect(loadSettings({})).toMatchObject({
      codecEndpoint: undefined,
      temporalUiOrigins: ['http://127.0.0.1:8233', 'http://localhost:8233'],
    });
    expect(loadSettings({ EMBEDDED_TEMPORAL_UI_PORT: '9000' }).temporalUiOrigins).toEqual([
      'http://127.0.0.1:9000',
      'http://localhost:9000',
    ]);
    expect(
      loadSettings({ CODEC_ENDPOINT: 'on', TEMPORAL_UI_ORIGIN: 'https://temporal.example, https://ui.example' }),
    ).toMatchObject({ codecEndpoint: true, temporalUiOrigins: ['https://temporal.example', 'https://ui.example'] });
    expect(loadSettings({ CODEC_ENDPOINT: 'off' }).codecEndpoint).toBe(false);
    expect(() => loadSettings({ CODEC_ENDPOINT: 'yes' })).toThrow(/CODEC_ENDPOINT must be on or off/);
  });

  it('outside the embedded default, refuses to start without keys unless PAYLOAD_ENCRYPTION=off', () => {
    const settings = { ...loadSettings({}), dataDir: '/nonexistent' };
    expect(() => payloadCodecFor(settings, { embedded: false })).toThrow(
      /PAYLOAD_ENCRYPTION_KEYS and PAYLOAD_ENCRYPTION_KEY_ID, or PAYLOAD_ENCRYPTION_KEY_FILE/,
    );
    expect(payloadCodecFor(loadSettings({ PAYLOAD_ENCRYPTION: 'off' }), { embedded: false })).toBeUndefined();
    expect(() => loadSettings({ PAYLOAD_ENCRYPTION: 'off', PAYLOAD_ENCRYPTION_KEYS: formatKeyList(keys) })).toThrow();
  });

  it('in the embedded default, creates a key file (0600) once and reads it afterwards', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'payload-keys-'));
    try {
      const settings = { ...loadSettings({}), dataDir };
      const lines: string[] = [];
      const first = payloadCodecFor(settings, { embedded: true, log: (l) => lines.push(l) })!;
      const file = path.join(dataDir, 'payload-keys.json');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(lines.join('\n')).toContain(file);
      const content = fs.readFileSync(file, 'utf8');
      const [encoded] = await first.encode([plain()]);
      const second = payloadCodecFor(settings, { embedded: true })!;
      expect(fs.readFileSync(file, 'utf8')).toBe(content);
      expect(ensureKeyFile(file).created).toBe(false);
      expect(defaultPayloadConverter.fromPayload((await second.decode([encoded]))[0])).toEqual(personal);
      // The same file, named explicitly, works anywhere (e.g. worker/main.ts on this machine).
      const named = loadSettings({ PAYLOAD_ENCRYPTION_KEY_FILE: file });
      expect(payloadCodecFor(named, { embedded: false })).toBeDefined();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
