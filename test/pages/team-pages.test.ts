/**
 * The team's pages in a real browser, on a database of their own (so the portfolios hold only
 * this file's onboardings): a CSM's portfolio holds theirs only, sorted by what needs them
 * first; a CS lead sees every CSM's with capacity and load; an onboarding's page shows its
 * timeline, chart and audit trail, and its forms go through the API's commands and refusals.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { listCsms } from '../../src/persistence/csm-roster';
import { closedWonBody } from '../fixtures/onboarding-input';
import { type ApiHarness, eventually, startApiHarness } from '../support/api-harness';
import { launchBrowser, listen, screenshot, signIn } from '../support/browser';
import { createOwnDatabase, type OwnDatabase } from '../support/own-database';

const run = Math.random().toString(36).slice(2, 8);
const account = (name: string) => `team-${name}-${run}`;
const onboarding = (name: string) => `onboarding-${account(name)}`;
const BLOCKER = `SSO certificate not issued ${run}`;

let h: ApiHarness;
let database: OwnDatabase;
let browser: Browser;
let base: string;
let anaKey: string;
let leadKey: string;

beforeAll(async () => {
  database = await createOwnDatabase('pages');
  h = await startApiHarness({ databaseUrl: database.url });
  base = await listen(h);
  browser = await launchBrowser();
  anaKey = await h.createKey(['csm'], { csmId: 'csm-test-ana', name: 'Ana Lopez' });
  leadKey = await h.createKey(['cs-lead'], { name: 'Kim Lead' });

  // Two enterprise onboardings go to Ana (high-touch), one SMB to the scaled pool (self-service).
  for (const [name, segment] of [
    ['risky', 'enterprise'],
    ['calm', 'enterprise'],
    ['pooled', 'smb'],
  ] as const) {
    await h.api
      .post('/onboardings')
      .send(closedWonBody(account(name), segment))
      .expect(201);
  }
  await h.api
    .post(`/onboardings/${onboarding('risky')}/risks`)
    .send({
      category: 'auth',
      description: BLOCKER,
      blocker: true,
      owner: 'Ravi Menon',
      decisionDueDate: '2027-01-15',
      fallback: 'Password login for the pilot users',
    })
    .expect(200);
  // The read model trails the live state by a moment.
  await eventually(async () => {
    const { items } = (await h.api.get('/onboardings').expect(200)).body;
    const risky = items.find((o: { id: string }) => o.id === onboarding('risky'));
    return items.length === 3 && items.every((o: { csmId: string | null }) => o.csmId) && risky?.atRisk
      ? true
      : undefined;
  });
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await database?.drop();
});

async function signedIn(key: string, next?: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(page, base, key, next);
  return { context, page };
}

describe('sign-in', () => {
  it('sends a person without a session to the sign-in form, refuses a wrong key, and keeps the key out of the page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/pages/portfolio`);
    expect(new URL(page.url()).pathname).toBe('/pages/sign-in');
    await page.fill('#key', 'oo_notakey_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
    const refused = await Promise.all([page.waitForResponse(/sign-in/), page.click('button[type=submit]')]);
    expect(refused[0].status()).toBe(401);
    await expect(page.locator('.notice').textContent()).resolves.toContain('unknown or revoked');

    await page.fill('#key', anaKey);
    await Promise.all([page.waitForURL(/\/pages\/portfolio$/), page.click('button[type=submit]')]);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'oo_session', httpOnly: true, sameSite: 'Strict' });
    expect(cookie.value).not.toContain(anaKey.slice(12));
    expect(await page.content()).not.toContain(anaKey);
    await context.close();
  });

  it('refuses a form post without the CSRF token of the session', async () => {
    const { context } = await signedIn(anaKey);
    const [cookie] = await context.cookies();
    const res = await request(h.http)
      .post(`/pages/onboardings/${onboarding('calm')}/milestones/first-login`)
      .set('cookie', `oo_session=${cookie.value}`)
      .type('form')
      .send({ evidence: 'forged' })
      .expect(403);
    expect(res.text).toContain('this form is out of date');
    await context.close();
  });
});

describe("the CSM's portfolio", () => {
  it('holds only their onboardings, what needs them first at the top, with the figures of the read model', async () => {
    const { context, page } = await signedIn(anaKey);
    await expect(page.locator('h1').textContent()).resolves.toBe('My portfolio');
    const rows = page.locator('table.portfolio tbody tr');
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-onboarding')));
    // At risk (an open blocker) before waiting on the CSM (the kickoff call); the SMB is not hers.
    expect(ids).toEqual([onboarding('risky'), onboarding('calm')]);
    const body = await page.content();
    expect(body).not.toContain(account('pooled'));
    await expect(rows.nth(0).textContent()).resolves.toContain('At risk');
    await expect(rows.nth(1).textContent()).resolves.toContain('Waiting on the CSM');
    const [record] = await h.dataSource.query(`SELECT stage_history FROM onboardings WHERE id = $1`, [
      onboarding('calm'),
    ]);
    await expect(rows.nth(1).locator('td').nth(2).textContent()).resolves.toBe(record.stage_history.at(-1).name);
    await screenshot(page, 'portfolio', { readme: true });
    await context.close();
  });

  it('shows a CS lead every CSM with capacity and load, and a chart of them', async () => {
    const { context, page } = await signedIn(leadKey);
    await expect(page.locator('h1').textContent()).resolves.toBe("CSMs' portfolios");
    const roster = await listCsms(h.dataSource);
    for (const csm of roster) {
      const cells = await page.locator(`#capacity tr[data-csm="${csm.id}"] td`).allTextContents();
      expect(cells.slice(1, 3)).toEqual([String(csm.load), String(csm.capacity)]);
    }
    expect(roster.find((c) => c.id === 'csm-test-ana')!.load).toBe(2);
    await expect(page.locator(`section[data-csm="csm-test-pool"] tr[data-onboarding]`).count()).resolves.toBe(1);
    await expect(page.locator('#load-chart svg rect, #load-chart svg path').count()).resolves.toBeGreaterThan(2);
    await screenshot(page, 'portfolio-lead', { readme: true });
    await context.close();
  });

  it('is the same as JSON for the CS platform: a CSM gets theirs, broader roles every CSM', async () => {
    const mine = (await h.as(anaKey).get('/portfolio').expect(200)).body;
    expect(mine.csms.map((c: { csmId: string }) => c.csmId)).toEqual(['csm-test-ana']);
    expect(mine.csms[0].onboardings.map((o: { onboardingId: string }) => o.onboardingId)).toEqual([
      onboarding('risky'),
      onboarding('calm'),
    ]);
    expect(mine.csms[0].onboardings[0]).toMatchObject({ need: 'at-risk', atRisk: true });
    expect(mine.unassigned).toEqual([]);
    const all = (await h.as(leadKey).get('/portfolio').expect(200)).body;
    expect(all.csms.map((c: { csmId: string; load: number }) => [c.csmId, c.load])).toEqual([
      ['csm-test-ana', 2],
      ['csm-test-pool', 1],
    ]);
    const platform = await h.createKey(['cs-platform']);
    await h.as(platform).get('/portfolio').expect(200);
  });
});

describe("an onboarding's page", () => {
  it("refuses a CSM another CSM's onboarding", async () => {
    const { context, page } = await signedIn(anaKey);
    const response = await page.goto(`${base}/pages/onboardings/${onboarding('pooled')}`);
    expect(response?.status()).toBe(403);
    await expect(page.locator('.notice').textContent()).resolves.toContain('is not assigned to CSM csm-test-ana');
    expect(await page.content()).not.toContain(`Account ${account('pooled')}`);
    await context.close();
  });

  it('shows the timeline, milestones against targets, risks with owners, a chart and the audit trail naming principals', async () => {
    const { context, page } = await signedIn(anaKey, `/pages/onboardings/${onboarding('risky')}`);
    const state = (await h.api.get(`/onboardings/${onboarding('risky')}`).expect(200)).body;
    await expect(page.locator('h1').textContent()).resolves.toBe(`Account ${account('risky')}`);
    await expect(page.locator('#timeline tbody tr').count()).resolves.toBe(state.stageHistory.length);
    await expect(page.locator('#milestones tbody tr').count()).resolves.toBe(state.milestones.length);
    const risk = await page.locator('#risks tbody tr').first().textContent();
    expect(risk).toContain(BLOCKER);
    expect(risk).toContain('Ravi Menon');
    await expect(page.locator('#at-risk').textContent()).resolves.toContain(`open blocker: ${BLOCKER}`);
    await expect(page.locator('#waiting-on').textContent()).resolves.toContain(state.waitingOn.detail);
    await expect(page.locator('#stage-chart svg path').count()).resolves.toBeGreaterThan(0);
    // One target bar per milestone (then the legend's swatch), drawn to scale: width proportional to the target day.
    const widths = await page
      .locator('#milestone-chart svg path[fill="#c9d6ec"]')
      .evaluateAll((paths) => paths.map((p) => (p as unknown as { getBBox(): { width: number } }).getBBox().width));
    const perDay = state.milestones.map((m: { targetDay: number }, i: number) => widths[i] / m.targetDay);
    for (const scale of perDay) expect(scale).toBeCloseTo(perDay[0], 1);
    const audit = await page.locator('#audit tbody').textContent();
    expect(audit).toContain(h.ownerLabel); // who recorded the risk
    await screenshot(page, 'onboarding', { readme: true });
    await context.close();
  });

  it("records a milestone with its evidence from the page, through the API's command, as the signed-in CSM", async () => {
    const { context, page } = await signedIn(anaKey, `/pages/onboardings/${onboarding('calm')}`);
    const row = page.locator('#milestones tr[data-milestone="success-criteria-agreed"]');
    await row.locator('input[name=evidence]').fill('https://crm.example.com/notes/kickoff');
    await Promise.all([page.waitForURL(/done=milestone/), row.locator('button').click()]);
    await expect(page.locator('.notice').textContent()).resolves.toContain('Milestone recorded.');
    const state = (await h.api.get(`/onboardings/${onboarding('calm')}`).expect(200)).body;
    const milestone = state.milestones.find((m: { key: string }) => m.key === 'success-criteria-agreed');
    expect(milestone).toMatchObject({ evidence: 'https://crm.example.com/notes/kickoff' });
    expect(milestone.recordedBy).toContain('Ana Lopez');
    await expect(page.locator('#audit tbody').textContent()).resolves.toContain('Ana Lopez');
    await context.close();
  });

  it('shows a refusal in plain words: a locked task, a blocker without an owner', async () => {
    const { context, page } = await signedIn(anaKey, `/pages/onboardings/${onboarding('calm')}`);
    const locked = (await h.api.get(`/onboardings/${onboarding('calm')}`).expect(200)).body.tasks.find(
      (t: { status: string }) => t.status === 'locked',
    );
    const row = page.locator(`#tasks tr[data-task="${locked.key}"]`);
    const [response] = await Promise.all([page.waitForResponse(/complete/), row.locator('button').click()]);
    expect(response.status()).toBe(409);
    await expect(page.locator('.notice').textContent()).resolves.toMatch(/Refused: .*prerequisites are done/);

    await page.fill('input[name=description]', 'Data residency sign-off missing');
    await page.selectOption('select[name=blocker]', 'yes');
    const [risk] = await Promise.all([page.waitForResponse(/\/risks$/), page.click('text=Record risk')]);
    expect(risk.status()).toBeGreaterThanOrEqual(400);
    await expect(page.locator('.notice').textContent()).resolves.toMatch(/Refused: .*owner/);
    await screenshot(page, 'onboarding-refused');
    const state = (await h.api.get(`/onboardings/${onboarding('calm')}`).expect(200)).body;
    expect(state.risks).toEqual([]);
    await context.close();
  });

  it('resolves a risk from the page', async () => {
    const { context, page } = await signedIn(anaKey, `/pages/onboardings/${onboarding('risky')}`);
    const row = page.locator('#risks tbody tr').first();
    await row.locator('input[name=resolution]').fill('Certificate issued by the customer');
    await Promise.all([page.waitForURL(/done=resolved/), row.locator('button').click()]);
    await expect(page.locator('.notice').textContent()).resolves.toContain('Risk resolved.');
    const state = (await h.api.get(`/onboardings/${onboarding('risky')}`).expect(200)).body;
    expect(state.risks[0]).toMatchObject({ status: 'resolved', resolution: 'Certificate issued by the customer' });
    await context.close();
  });

  it('acknowledges an escalation from the page; until then the portfolio puts that onboarding first', async () => {
    // A playbook version whose kickoff call is due at once: overdue, so the ladder's first level (the CSM) is raised.
    const playbook = (await h.api.get('/playbooks/high-touch').expect(200)).body;
    playbook.tasks.find((t: { key: string }) => t.key === 'kickoff-call').dueAfterDays = 0;
    const published = await h.api
      .post('/playbooks/high-touch/versions')
      .send({ publishedBy: 'pages test', definition: playbook })
      .expect(201);
    // Started at once on what was just published: the API's cache drops it before the publish answers.
    const started = await h.api
      .post('/onboardings')
      .send(closedWonBody(account('late'), 'enterprise'))
      .expect(201);
    expect(started.body.playbookVersion).toBe(published.body.version);
    const escalation = await eventually(async () => {
      const state = (await h.api.get(`/onboardings/${onboarding('late')}`).expect(200)).body;
      return state.escalations.find((e: { notify: string }) => e.notify === 'csm');
    });
    await eventually(async () => {
      const mine = (await h.as(anaKey).get('/portfolio').expect(200)).body;
      return mine.csms[0].onboardings[0]?.onboardingId === onboarding('late') ? true : undefined;
    });

    const { context, page } = await signedIn(anaKey);
    const first = page.locator('table.portfolio tbody tr').first();
    await expect(first.getAttribute('data-onboarding')).resolves.toBe(onboarding('late'));
    await expect(first.textContent()).resolves.toContain('Overdue or escalated');

    await page.goto(`${base}/pages/onboardings/${onboarding('late')}`);
    const row = page.locator(`#escalations tr[data-escalation="${escalation.id}"]`);
    await Promise.all([page.waitForURL(/done=acknowledged/), row.locator('button').click()]);
    await expect(page.locator('.notice').textContent()).resolves.toContain('Escalation acknowledged.');
    await expect(row.textContent()).resolves.toContain('Ana Lopez');
    const state = (await h.api.get(`/onboardings/${onboarding('late')}`).expect(200)).body;
    const acknowledged = state.escalations.find((e: { id: string }) => e.id === escalation.id);
    expect(acknowledged.acknowledgedAt).toBeDefined();
    expect(acknowledged.acknowledgedBy).toContain('Ana Lopez');
    await context.close();
  });
});
