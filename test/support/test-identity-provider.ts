/**
 * A small OpenID provider for the sign-in tests, on this machine: discovery, an authorization
 * endpoint that signs in whoever the test names next (no login form), a token endpoint that checks
 * the client, the code, the redirect URI and the PKCE verifier, and the JWKS. The access token is
 * for the API's audience with roles in a claim; the ID token carries the nonce it was asked for.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type KeyLike, SignJWT } from 'jose';

export interface TestUser {
  sub: string;
  claims: Record<string, unknown>;
}

export interface TestIdentityProvider {
  issuer: string;
  jwksUrl: string;
  clientId: string;
  clientSecret: string;
  /** Who signs in at the next authorization; `refuse`: the provider answers access_denied instead. */
  next(user: TestUser | { refuse: string }): void;
  /** The audience the next access token is for (default: the API's). */
  audienceOfNextToken(audience: string): void;
  /** Authorization requests seen, as their query parameters. */
  authorizations: URLSearchParams[];
  close(): Promise<void>;
}

interface Grant {
  user: TestUser;
  redirectUri: string;
  codeChallenge: string;
  nonce: string;
}

async function body(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startTestIdentityProvider(opts: { audience: string }): Promise<TestIdentityProvider> {
  const pair = await generateKeyPair('RS256', { extractable: true });
  const signingKey: KeyLike = pair.privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
  const clientId = 'onboarding-pages';
  const clientSecret = randomBytes(16).toString('hex');
  const grants = new Map<string, Grant>();
  const authorizations: URLSearchParams[] = [];
  let nextUser: TestUser | { refuse: string } | undefined;
  let nextAudience: string | undefined;
  let issuer = '';

  const sign = (claims: Record<string, unknown>, audience: string, sub: string) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(signingKey);

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (status: number, value: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
      });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      authorizations.push(url.searchParams);
      const q = url.searchParams;
      const redirect = new URL(q.get('redirect_uri') ?? '');
      redirect.searchParams.set('state', q.get('state') ?? '');
      const user = nextUser;
      if (!user || 'refuse' in user) {
        redirect.searchParams.set('error', 'access_denied');
        redirect.searchParams.set('error_description', user && 'refuse' in user ? user.refuse : 'nobody signs in');
      } else if (q.get('client_id') !== clientId || q.get('code_challenge_method') !== 'S256') {
        redirect.searchParams.set('error', 'invalid_request');
      } else {
        const code = randomBytes(16).toString('base64url');
        grants.set(code, {
          user,
          redirectUri: q.get('redirect_uri') ?? '',
          codeChallenge: q.get('code_challenge') ?? '',
          nonce: q.get('nonce') ?? '',
        });
        redirect.searchParams.set('code', code);
      }
      return res.writeHead(302, { location: redirect.toString() }).end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const form = await body(req);
      const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
      const [id, secret] = basic.split(':').map(decodeURIComponent);
      if (id !== clientId || secret !== clientSecret) return json(401, { error: 'invalid_client' });
      const grant = grants.get(form.get('code') ?? '');
      grants.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (
        !grant ||
        form.get('grant_type') !== 'authorization_code' ||
        form.get('redirect_uri') !== grant.redirectUri ||
        challenge !== grant.codeChallenge
      )
        return json(400, { error: 'invalid_grant' });
      const audience = nextAudience ?? opts.audience;
      nextAudience = undefined;
      return json(200, {
        token_type: 'Bearer',
        expires_in: 3600,
        access_token: await sign(grant.user.claims, audience, grant.user.sub),
        id_token: await sign({ nonce: grant.nonce }, clientId, grant.user.sub),
      });
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    clientId,
    clientSecret,
    next: (user) => {
      nextUser = user;
    },
    audienceOfNextToken: (audience) => {
      nextAudience = audience;
    },
    authorizations,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
