import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PageSettings } from '../config/settings';
import type { TrackerLinkOptions } from '../tracker/tracker-links';

export const PAGE_SECRETS_FILE = 'page-secrets.json';

export interface PageSecrets {
  trackerLinkSecret: string;
  sessionSecret: string;
}

/**
 * The secrets of the pages: TRACKER_LINK_SECRET and SESSION_SECRET when set; otherwise the ones
 * kept in DATA_DIR/page-secrets.json, created once (0600) like the payload key file, so that a
 * restart keeps links and sessions valid. The worker signs links and the API checks them: both
 * read the same settings or the same file.
 */
export function pageSecrets(settings: { pages: PageSettings; dataDir: string }): PageSecrets {
  const { trackerLinkSecret, sessionSecret } = settings.pages;
  if (trackerLinkSecret && sessionSecret) return { trackerLinkSecret, sessionSecret };
  const stored = ensureSecretsFile(path.join(settings.dataDir, PAGE_SECRETS_FILE));
  return {
    trackerLinkSecret: trackerLinkSecret ?? stored.trackerLinkSecret,
    sessionSecret: sessionSecret ?? stored.sessionSecret,
  };
}

function ensureSecretsFile(file: string): PageSecrets {
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fresh: PageSecrets = {
      trackerLinkSecret: randomBytes(32).toString('base64url'),
      sessionSecret: randomBytes(32).toString('base64url'),
    };
    try {
      // wx: a concurrent start that created it first wins, and both read its secrets.
      fs.writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<PageSecrets>;
  if (typeof parsed.trackerLinkSecret !== 'string' || typeof parsed.sessionSecret !== 'string')
    throw new Error(`${file} does not hold trackerLinkSecret and sessionSecret: delete it to create new ones`);
  return { trackerLinkSecret: parsed.trackerLinkSecret, sessionSecret: parsed.sessionSecret };
}

/** What signs and addresses tracker links, for the worker and the API. */
export interface PageOptions {
  trackerLinks: TrackerLinkOptions;
  sessionSecret: string;
}

export function pageOptions(settings: { pages: PageSettings; dataDir: string }): PageOptions {
  const secrets = pageSecrets(settings);
  return {
    trackerLinks: {
      secret: secrets.trackerLinkSecret,
      ttlDays: settings.pages.trackerLinkTtlDays,
      publicBaseUrl: settings.pages.publicBaseUrl,
    },
    sessionSecret: secrets.sessionSecret,
  };
}
