/**
 * Who may do what, through the real API, worker and servers: every operation of the OpenAPI
 * document refuses a missing or revoked key (401) and a role it does not allow (403); a CSM is
 * confined to their own onboardings and portfolio; approvals check the caller's roles, whatever
 * the body says; the audit log names the principal; OIDC tokens verify against a local JWKS.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { exportJWK, generateKeyPair, type JWK, type KeyLike, SignJWT } from 'jose';
import request from 'supertest';
import { ROLES_EXTENSION } from '../../api/auth/access.decorator';
import { PRINCIPAL_ROLES, type PrincipalRole } from '../../src/domain/principal-roles';
import { ApiKeyStore } from '../../src/persistence/api-key-store';
import { closedWonBody } from '../fixtures/onboarding-input';
import { authenticated, eventually, useApiHarness } from '../support/api-harness';

const h = useApiHarness();
const run = Math.random().toString(36).slice(2, 8);
/** Operations that answer without a bearer credential, and why. */
const OPEN_OPERATIONS = ['GET /health'];
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Operation {
  method: (typeof METHODS)[number];
  path: string;
  roles?: PrincipalRole[];
  security?: Array<Record<string, string[]>>;
}

async function operations(): Promise<Operation[]> {
  const doc = (await request(h.http).get('/docs/openapi.json').expect(200)).body;
  return Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({
      method,
      path,
      roles: item[method][ROLES_EXTENSION],
      security: item[method].security,
    })),
  );
}

/** A concrete URL for a documented path: every parameter filled with something well-formed. */
const concrete = (path: string) =>
  path.replace(/\{([^}]+)\}/g, (_, name) => (/attempt|version/.test(name) ? '1' : `x-${name}`));

describe('every operation of the OpenAPI document', () => {
  it('declares who may call it: roles with the bearer scheme, or open only where it must be', async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThanOrEqual(30);
    for (const op of ops) {
      const name = `${op.method.toUpperCase()} ${op.path}`;
      if (op.roles) expect({ name, security: op.security }).toEqual({ name, security: [{ bearer: [] }] });
      else if (!OPEN_OPERATIONS.includes(name)) {
        // Only signed integrations (inbound webhooks) may go without a bearer role: by their own scheme.
        expect({ name, security: op.security }).toEqual({ name, security: [expect.any(Object)] });
        expect(Object.keys(op.security![0])).not.toContain('bearer');
      }
    }
  });

  it('answers 401 without a key, with a malformed or revoked one, and 403 to a role it does not allow', async () => {
    const ops = (await operations()).filter((op) => op.roles);
    const store = new ApiKeyStore(h.dataSource);
    const revoked = await h.createKey([...PRINCIPAL_ROLES], { name: `revoked ${run}` });
    await store.revoke(revoked.slice(0, 11));
    const keyFor = new Map<PrincipalRole, string>();
    const problems: string[] = [];
    for (const op of ops) {
      const name = `${op.method.toUpperCase()} ${op.path}`;
      const call = (agent: ReturnType<typeof request>) => agent[op.method](concrete(op.path)).send({});
      const expectStatus = async (label: string, res: request.Response, status: number, code: string) => {
        if (res.status !== status || res.body.code !== code)
          problems.push(`${name} ${label}: ${res.status} ${res.body.code} (expected ${status} ${code})`);
      };
      const none = await call(request(h.http));
      await expectStatus('without a key', none, 401, 'Unauthenticated');
      if (none.headers['www-authenticate'] !== 'Bearer') problems.push(`${name}: no WWW-Authenticate on 401`);
      const garbage = await call(request(h.http)).set('authorization', 'Bearer oo_not-a-key');
      await expectStatus('with a malformed key', garbage, 401, 'Unauthenticated');
      const basic = await call(request(h.http)).set('authorization', 'Basic dXNlcjpwYXNz');
      await expectStatus('with Basic credentials', basic, 401, 'Unauthenticated');
      await expectStatus(
        'with a revoked key',
        await call(request(h.http)).set('authorization', `Bearer ${revoked}`),
        401,
        'Unauthenticated',
      );

      const other = PRINCIPAL_ROLES.find((r) => !op.roles!.includes(r))!;
      if (!keyFor.has(other))
        keyFor.set(other, await h.createKey([other], { csmId: other === 'csm' ? 'csm-test-ana' : undefined }));
      const wrongRole = await call(request(h.http)).set('authorization', `Bearer ${keyFor.get(other)}`);
      await expectStatus(`as ${other}`, wrongRole, 403, 'RoleNotAllowed');
    }
    expect(problems).toEqual([]);
  });
});

describe('a CSM', () => {
  const account = `access-csm-${run}`;
  const onboarding = `/onboardings/onboarding-${account}`;
  let assigned: string;
  let own: string;
  let otherCsm: string;

  beforeAll(async () => {
    await h.api.post('/onboardings').send(closedWonBody(account, 'mid-market')).expect(201);
    assigned = await eventually(async () => (await h.api.get(onboarding).expect(200)).body.csm?.id);
    own = await h.createKey(['csm'], { csmId: assigned, name: `csm ${assigned}` });
    otherCsm = await h.createKey(['csm'], { csmId: `csm-someone-else-${run}`, name: 'another csm' });
  });

  it("touches only the onboardings assigned to them: another CSM's read or command is a 403", async () => {
    const read = await h.as(otherCsm).get(onboarding).expect(403);
    expect(read.body).toMatchObject({ code: 'NotYourOnboarding' });
    await h.as(otherCsm).get(`${onboarding}/audit`).expect(403);
    const command = await h.as(otherCsm).post(`${onboarding}/milestones/first-login`).send({}).expect(403);
    expect(command.body).toMatchObject({ code: 'NotYourOnboarding' });
    const live = await h.as(own).get(onboarding).expect(200);
    expect(live.body.milestones.find((m: any) => m.key === 'first-login').achievedAt).toBeUndefined();
  });

  it('records a milestone on their own, and the audit log names their key and the csm role', async () => {
    const res = await h
      .as(own)
      .post(`${onboarding}/milestones/first-login`)
      .send({ actor: 'somebody else entirely', evidence: 'kickoff notes' })
      .expect(200);
    expect(res.body.milestones.find((m: any) => m.key === 'first-login').recordedBy).toBe(
      `csm ${assigned} [${own.slice(0, 11)}]`,
    );
    const entry = await eventually(async () =>
      (await h.as(own).get(`${onboarding}/audit`).expect(200)).body.entries.find(
        (e: any) => e.action === 'milestone-recorded',
      ),
    );
    expect(entry).toMatchObject({
      actor: `csm ${assigned} [${own.slice(0, 11)}]`,
      principalKind: 'api-key',
      principalId: own.slice(0, 11),
      actingRole: 'csm',
      actorNote: 'somebody else entirely',
    });
  });

  it("lists only their own portfolio; asking for another CSM's returns nothing of theirs", async () => {
    const mine = await eventually(async () => {
      const res = await h.as(own).get('/onboardings').query({ limit: 200 }).expect(200);
      return res.body.items.some((r: any) => r.id === `onboarding-${account}`) ? res.body : undefined;
    });
    expect(mine.items.every((r: any) => r.csmId === assigned)).toBe(true);
    const theirs = await h.as(otherCsm).get('/onboardings').query({ csm: assigned }).expect(200);
    expect(theirs.body).toEqual({ items: [], total: 0 });
    const unfiltered = await h.as(otherCsm).get('/onboardings').expect(200);
    expect(unfiltered.body.items).toEqual([]);
  });

  it('cannot act as csm without a CSM id on the key', async () => {
    const nameless = await h.createKey(['csm']);
    const res = await h.as(nameless).get('/onboardings').expect(403);
    expect(res.body).toMatchObject({ code: 'CsmIdMissing' });
  });
});

describe('approvals', () => {
  const account = `access-gate-${run}`;
  const onboarding = `/onboardings/onboarding-${account}`;
  const criteria = ['UAT scenarios passed', 'Migration rehearsal passed', 'Rollback plan signed off'].map(
    (criterion) => ({ criterion, met: true }),
  );

  beforeAll(async () => {
    await h.api.post('/onboardings').send(closedWonBody(account, 'enterprise')).expect(201);
    for (const m of ['success-criteria-agreed', 'first-login', 'initial-setup-complete', 'first-value-achieved']) {
      await h.api.post(`${onboarding}/milestones/${m}`).send({}).expect(200);
    }
  });

  it("checks the caller's roles, whatever role the body names", async () => {
    const implementation = await h.createKey(['implementation'], { name: `implementer ${run}` });
    // The gate's approver is cs-lead: claiming it in the body changes nothing.
    const claimed = await h
      .as(implementation)
      .post(`${onboarding}/gates/go-live-readiness/approve`)
      .send({ role: 'cs-lead', criteria })
      .expect(403);
    expect(claimed.body).toMatchObject({ code: 'RoleNotHeld' });
    const unclaimed = await h
      .as(implementation)
      .post(`${onboarding}/gates/go-live-readiness/approve`)
      .send({ criteria })
      .expect(403);
    expect(unclaimed.body).toMatchObject({ code: 'GateApproverNotAllowed' });
    expect(unclaimed.body.detail).toContain('cs-lead');

    const lead = await h.createKey(['cs-lead'], { name: `lead ${run}` });
    const approved = await h
      .as(lead)
      .post(`${onboarding}/gates/go-live-readiness/approve`)
      .send({ actor: 'Kim', criteria })
      .expect(200);
    expect(approved.body.gates.find((g: any) => g.key === 'go-live-readiness')).toMatchObject({
      approvedBy: `lead ${run} [${lead.slice(0, 11)}]`,
      approverRole: 'cs-lead',
    });
    const entry = await eventually(async () =>
      (await h.api.get(`${onboarding}/audit`).expect(200)).body.entries.find((e: any) => e.action === 'gate-approved'),
    );
    expect(entry).toMatchObject({ principalId: lead.slice(0, 11), actingRole: 'cs-lead', actorNote: 'Kim' });
  });

  it('carries the principal into the workflow: the history shows who did it', async () => {
    const history = await h.client.workflow.getHandle(`onboarding-${account}`).fetchHistory();
    const accepted = history.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    const inputs = await Promise.all(
      accepted.map(async (e) => {
        const payload = e.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.args!.payloads![0];
        const [decoded] = await h.client.options.dataConverter.payloadCodecs![0].decode([payload]);
        return JSON.parse(Buffer.from(decoded.data!).toString());
      }),
    );
    const approval = inputs.find((i) => i.gate === 'go-live-readiness');
    expect(approval.principal).toMatchObject({ kind: 'api-key', role: 'cs-lead', name: `lead ${run}` });
  });
});

describe('OIDC tokens', () => {
  let jwks: Server;
  let app: INestApplication;
  let signingKey: KeyLike;
  let strangerKey: KeyLike;
  const issuer = 'https://idp.example/';
  const audience = 'onboarding-orchestrator';

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    signingKey = pair.privateKey;
    strangerKey = (await generateKeyPair('ES256')).privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
    );
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    app = await h.replica({
      auth: {
        embeddedDefault: false,
        oidc: {
          issuer,
          audience,
          jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`,
          rolesClaim: 'roles',
          csmClaim: 'csm_id',
          nameClaim: 'name',
        },
      },
    });
  });

  afterAll(() => {
    jwks?.close();
  });

  const token = (claims: Record<string, unknown>, opts: { key?: KeyLike; aud?: string; exp?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(issuer)
      .setAudience(opts.aud ?? audience)
      .setSubject('olga@idp.example')
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? '5m')
      .sign(opts.key ?? signingKey);

  it('accepts a token of the issuer, with roles from its claim; refuses a forged, expired or foreign one', async () => {
    const http = app.getHttpServer();
    const operator = await token({ roles: ['operator'], name: 'Olga' });
    await authenticated(http, operator).get('/onboardings').expect(200);
    const asCsm = await token({ roles: 'csm', csm_id: 'csm-test-ana' });
    await authenticated(http, asCsm).get('/playbooks').expect(403);
    for (const bad of [
      await token({ roles: ['operator'] }, { key: strangerKey }),
      await token({ roles: ['operator'] }, { aud: 'another-api' }),
      await token({ roles: ['operator'] }, { exp: '-10m' }),
    ]) {
      const res = await authenticated(http, bad).get('/onboardings').expect(401);
      expect(res.body).toMatchObject({ code: 'Unauthenticated' });
    }
    // Keys keep working beside tokens.
    await authenticated(http, h.ownerKey).get('/onboardings').expect(200);
  });
});
