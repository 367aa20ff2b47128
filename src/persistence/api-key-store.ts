import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { isPrincipalRole, PRINCIPAL_ROLES, type PrincipalRole } from '../domain/principal-roles';
import { unsafeTextProblem } from '../domain/safe-text';

/**
 * API keys in PostgreSQL (`api_keys`). A key looks like `oo_<prefix>_<secret>`:
 *
 * - `oo_` says what it is (a secret scanner or a person recognises a leaked one);
 * - the prefix, 8 base64url characters (48 random bits), is public: it is stored in clear,
 *   finds the row, and names the key in `list` and `revoke`;
 * - the secret, 43 base64url characters, is 256 random bits.
 *
 * The key is shown once, at creation; the row keeps only the SHA-256 of the whole key. A slow,
 * salted hash (bcrypt, scrypt, argon2) exists to make guessing a *password* expensive: people
 * choose passwords from a small space. A key with 256 random bits cannot be guessed whatever the
 * hash costs, so a fast hash loses nothing, and the guard can verify every request in
 * microseconds instead of tens of milliseconds of CPU. Hashes are compared in constant time.
 */
export const API_KEY_MARK = 'oo_';
const PREFIX_BYTES = 6; // 8 base64url characters
const SECRET_BYTES = 32; // 43 base64url characters
const KEY_PATTERN = /^oo_([A-Za-z0-9_-]{8})_([A-Za-z0-9_-]{43})$/;
/** A prefix as `list` shows it and `revoke` takes it. Always with `oo_`: 8 bare characters could start with `oo_` too. */
const PREFIX_PATTERN = /^oo_([A-Za-z0-9_-]{8})$/;
const MAX_NAME_LENGTH = 200;
const MAX_CSM_ID_LENGTH = 100;
/** last_used_at is written at most this often per key: a busy client does not write on every request. */
const LAST_USED_RESOLUTION_SECONDS = 60;

/** Who a verified key speaks for: what the bearer guard attaches to a request. */
export interface KeyHolder {
  keyId: string;
  /** The public prefix, `oo_` and 8 characters. */
  prefix: string;
  name: string;
  roles: PrincipalRole[];
  csmId?: string;
}

export interface NewApiKey {
  name: string;
  roles: string[];
  csmId?: string;
}

/** A key as `list` shows it: never the secret, never its hash. */
export interface ApiKeySummary {
  id: string;
  prefix: string;
  name: string;
  roles: string[];
  csmId?: string;
  createdAt: Date;
  revokedAt?: Date;
  lastUsedAt?: Date;
}

/** A request the store refuses (bad name, unknown role, unknown prefix); the message says what is wrong. */
export class ApiKeyInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiKeyInputError';
  }
}

interface KeyRow {
  id: string;
  prefix: string;
  key_hash: Buffer;
  name: string;
  roles: string[];
  csm_id: string | null;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export class ApiKeyStore {
  constructor(private readonly db: DataSource) {}

  /** Creates a key; the answer is the only place the whole key ever appears. */
  async create(input: NewApiKey): Promise<{ key: string; summary: ApiKeySummary }> {
    const { name, roles, csmId } = validate(input);
    // 48 random bits: a collision is unlikely, but the unique index decides, and a new prefix is drawn.
    for (let attempt = 0; attempt < 5; attempt++) {
      const prefix = randomBytes(PREFIX_BYTES).toString('base64url');
      const key = `${API_KEY_MARK}${prefix}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
      const [row]: KeyRow[] = await this.db.query(
        `INSERT INTO api_keys (id, prefix, key_hash, name, roles, csm_id) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (prefix) DO NOTHING
         RETURNING id, prefix, key_hash, name, roles, csm_id, created_at, revoked_at, last_used_at`,
        [randomUUID(), prefix, hashOf(key), name, roles, csmId ?? null],
      );
      if (row) return { key, summary: summaryOf(row) };
    }
    throw new Error('could not draw an unused API key prefix in 5 attempts');
  }

  /** Every key, newest first, revoked ones included (they say whose access ended when). */
  async list(): Promise<ApiKeySummary[]> {
    const rows: KeyRow[] = await this.db.query(
      `SELECT id, prefix, name, roles, csm_id, created_at, revoked_at, last_used_at
         FROM api_keys ORDER BY created_at DESC, prefix`,
    );
    return rows.map(summaryOf);
  }

  /**
   * Revokes the key with this prefix (`oo_` and 8 characters, as `list` shows it). Revoking a revoked key
   * changes nothing (its first revocation time stays); an unknown prefix is an ApiKeyInputError.
   */
  async revoke(prefix: string): Promise<{ summary: ApiKeySummary; alreadyRevoked: boolean }> {
    const bare = PREFIX_PATTERN.exec(prefix)?.[1];
    if (!bare)
      throw new ApiKeyInputError(
        `'${printable(prefix)}' is not a key prefix: a prefix is ${API_KEY_MARK} and 8 characters, as \`list\` shows it`,
      );
    // One statement, so concurrent revokes agree: the first sets the time, a later one (or one
    // that waited on the first's row lock) keeps it and sees a time that is not its own now().
    const [row]: Array<KeyRow & { already: boolean }> = await this.db.query(
      // In a CTE: TypeORM answers a bare UPDATE with [rows, count], a SELECT with its rows.
      `WITH revoked AS (
         UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE prefix = $1
         RETURNING id, prefix, name, roles, csm_id, created_at, revoked_at, last_used_at, revoked_at <> now() AS already)
       SELECT * FROM revoked`,
      [bare],
    );
    if (!row) throw new ApiKeyInputError(`no API key has the prefix ${API_KEY_MARK}${bare}`);
    return { summary: summaryOf(row), alreadyRevoked: row.already };
  }

  /**
   * The principal a presented key speaks for, or undefined for anything that is not a live key:
   * malformed, unknown prefix, wrong secret, revoked. The caller cannot tell which (nor can a
   * guesser). Marks the key used, at most once a minute.
   */
  async verify(presented: string): Promise<KeyHolder | undefined> {
    if (typeof presented !== 'string') return undefined;
    const match = KEY_PATTERN.exec(presented);
    if (!match) return undefined;
    const [row]: KeyRow[] = await this.db.query(
      `SELECT id, prefix, key_hash, name, roles, csm_id FROM api_keys WHERE prefix = $1 AND revoked_at IS NULL`,
      [match[1]],
    );
    // Hashing first and comparing hashes in constant time: how long the comparison takes says
    // nothing about how much of the secret was right.
    const presentedHash = hashOf(presented);
    if (!row || !timingSafeEqual(presentedHash, row.key_hash)) return undefined;
    await this.db.query(
      `UPDATE api_keys SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - $2 * interval '1 second')`,
      [row.id, LAST_USED_RESOLUTION_SECONDS],
    );
    return {
      keyId: row.id,
      prefix: `${API_KEY_MARK}${row.prefix}`,
      name: row.name,
      roles: row.roles.filter(isPrincipalRole),
      ...(row.csm_id ? { csmId: row.csm_id } : {}),
    };
  }
}

/** SHA-256 of the whole key (see the note on the module): 32 bytes, stored as bytea. */
function hashOf(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

function validate(input: NewApiKey): { name: string; roles: PrincipalRole[]; csmId?: string } {
  const name = input.name?.trim() ?? '';
  if (!name) throw new ApiKeyInputError('a key needs a name (who or what uses it)');
  if (name.length > MAX_NAME_LENGTH)
    throw new ApiKeyInputError(`the name is ${name.length} characters long; at most ${MAX_NAME_LENGTH}`);
  const nameProblem = unsafeTextProblem(name);
  if (nameProblem) throw new ApiKeyInputError(`the name ${nameProblem}`);
  // One line: `list` prints it in a table.
  if (/[\t\n]/.test(name)) throw new ApiKeyInputError('the name must be one line, without tabs');

  if (!input.roles?.length)
    throw new ApiKeyInputError(`a key needs at least one role, one of: ${PRINCIPAL_ROLES.join(', ')}`);
  const unknown = input.roles.filter((r) => !isPrincipalRole(r));
  if (unknown.length)
    throw new ApiKeyInputError(
      `unknown role${unknown.length > 1 ? 's' : ''} ${unknown.map((r) => `'${printable(r)}'`).join(', ')}: ` +
        `a role is one of ${PRINCIPAL_ROLES.join(', ')}`,
    );
  const roles = [...new Set(input.roles)] as PrincipalRole[];

  let csmId: string | undefined;
  if (input.csmId !== undefined) {
    csmId = input.csmId.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/.test(csmId) || csmId.length > MAX_CSM_ID_LENGTH)
      throw new ApiKeyInputError(
        `'${printable(input.csmId)}' is not a CSM id (letters, digits and . _ : @ -, at most ${MAX_CSM_ID_LENGTH} characters)`,
      );
  }
  return { name, roles, csmId };
}

function summaryOf(row: Omit<KeyRow, 'key_hash'>): ApiKeySummary {
  return {
    id: row.id,
    prefix: `${API_KEY_MARK}${row.prefix}`,
    name: row.name,
    roles: row.roles,
    ...(row.csm_id ? { csmId: row.csm_id } : {}),
    createdAt: row.created_at,
    ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
    ...(row.last_used_at ? { lastUsedAt: row.last_used_at } : {}),
  };
}

/** For messages: a bad argument is quoted without its control characters, and shortened. */
function printable(value: string): string {
  // eslint-disable-next-line no-control-regex -- replacing control characters is the point
  const clean = String(value).replace(/[\u0000-\u001F\u007F-\u009F]/g, '?');
  return clean.length > 60 ? `${clean.slice(0, 57)}...` : clean;
}
