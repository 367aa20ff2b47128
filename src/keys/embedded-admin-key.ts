import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import { PRINCIPAL_ROLES } from '../domain/principal-roles';
import { ApiKeyStore } from '../persistence/api-key-store';

export const ADMIN_KEY_FILE = 'admin.key';
export const EMBEDDED_ADMIN_KEY_NAME = 'embedded default owner';

/**
 * The key of whoever runs the embedded default, so that the README's examples work on a fresh
 * machine: every role, kept in DATA_DIR/admin.key (readable by its owner only). Created on the
 * first start, and again if the stored one no longer verifies (revoked, or the database was
 * reset). `created` is the new key, to be shown once; otherwise the file already holds it.
 */
export async function ensureEmbeddedAdminKey(
  db: DataSource,
  dataDir: string,
): Promise<{ file: string; created?: string }> {
  const file = path.join(dataDir, ADMIN_KEY_FILE);
  const store = new ApiKeyStore(db);
  const existing = await fs.readFile(file, 'utf8').then(
    (text) => text.trim(),
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    },
  );
  if (existing && (await store.verify(existing))) return { file };
  const { key } = await store.create({ name: EMBEDDED_ADMIN_KEY_NAME, roles: [...PRINCIPAL_ROLES] });
  await fs.mkdir(dataDir, { recursive: true });
  // Written to a new file and renamed, so a crash never leaves half a key behind.
  const partial = `${file}.${process.pid}.tmp`;
  await fs.writeFile(partial, `${key}\n`, { mode: 0o600 });
  await fs.rename(partial, file);
  return { file, created: key };
}
