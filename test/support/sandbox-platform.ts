/**
 * A small fetch client for the sandbox platform (src/sandbox), for tests that drive it over
 * real HTTP. Mutating calls get a fresh Idempotency-Key unless the test gives one (or null for
 * none), so a test only names keys when it is testing them.
 */
import { randomUUID } from 'node:crypto';
import { type SandboxPlatform, startSandboxPlatform } from '../../src/sandbox/sandbox-platform';

export interface SandboxAnswer<T = any> {
  status: number;
  body: T;
  /** The answer was replayed from an earlier call with the same Idempotency-Key. */
  replayed: boolean;
  ms: number;
}

export interface SandboxClient {
  get<T = any>(path: string): Promise<SandboxAnswer<T>>;
  post<T = any>(path: string, body?: unknown, key?: string | null): Promise<SandboxAnswer<T>>;
  delete<T = any>(path: string, body?: unknown, key?: string | null): Promise<SandboxAnswer<T>>;
}

export function sandboxClient(baseUrl: string): SandboxClient {
  const call = async (
    method: string,
    path: string,
    body: unknown,
    key: string | null | undefined,
  ): Promise<SandboxAnswer> => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && key !== null) headers['idempotency-key'] = key ?? randomUUID();
    const started = Date.now();
    const res = await fetch(baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: res.status,
      body: await res.json(),
      replayed: res.headers.get('idempotent-replayed') === 'true',
      ms: Date.now() - started,
    };
  };
  return {
    get: (path) => call('GET', path, undefined, null),
    post: (path, body, key) => call('POST', path, body, key),
    delete: (path, body, key) => call('DELETE', path, body, key),
  };
}

/** A sandbox on a free port with its client; close it with `sandbox.platform.close()` in afterAll. */
export async function startTestSandbox(): Promise<{ platform: SandboxPlatform; client: SandboxClient }> {
  const platform = await startSandboxPlatform({ port: 0 });
  return { platform, client: sandboxClient(platform.url) };
}
