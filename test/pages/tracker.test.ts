/**
 * The customer's progress tracker in a real browser: reached by the link the welcome mail
 * carries (received by the SMTP inbox), showing this customer's plan and nothing internal;
 * refusing a tampered, expired or revoked link without saying whose it was; asking how it went
 * only at the end of the journey and keeping the latest answer.
 */
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { signTrackerLink } from '../../src/tracker/tracker-link-token';
import { closedWonBody, onboardingInput } from '../fixtures/onboarding-input';
import { eventually, useApiHarness } from '../support/api-harness';
import { launchBrowser, listen, onThisApi, screenshot, trackerLinkIn } from '../support/browser';
import { walkJourney } from '../support/journey-driver';

const h = useApiHarness();
const run = Math.random().toString(36).slice(2, 8);
const account = (name: string) => `tracker-${name}-${run}`;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  base = await listen(h);
  browser = await launchBrowser();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
});

/** Starts an onboarding on closed-won and returns the tracker link of its welcome mail, on this API. */
async function startWithWelcome(accountId: string, segment: 'enterprise' | 'smb' = 'enterprise') {
  await h.api.post('/onboardings').send(closedWonBody(accountId, segment)).expect(201);
  const welcome = await eventually(
    async () =>
      h.inbox.messages.find(
        (m) =>
          m.mail.headers.get('x-onboarding-event') === 'welcome' && m.mail.subject?.endsWith(`Account ${accountId}`),
      ),
    30_000,
  );
  return { welcome, link: onThisApi(trackerLinkIn(welcome.mail.text ?? ''), base) };
}

describe("the customer's tracker", () => {
  const id = account('main');
  const other = account('other');
  const internal = {
    risk: `Card data mapping unresolved ${run}`,
    fallback: `Manual reconciliation by ops ${run}`,
    note: `internal note ${run}`,
    evidence: `https://crm.example.com/internal/${run}`,
  };
  let link: string;

  beforeAll(async () => {
    ({ link } = await startWithWelcome(id));
    await startWithWelcome(other);
    const path = `/onboardings/onboarding-${id}`;
    // Internal data the customer must never see: a blocker (so at risk), an evidence link, a note.
    await h.api
      .post(`${path}/risks`)
      .send({
        category: 'data',
        description: internal.risk,
        blocker: true,
        owner: 'Ravi (customer IT)',
        decisionDueDate: '2027-01-15',
        fallback: internal.fallback,
      })
      .expect(200);
    await h.api
      .post(`${path}/milestones/success-criteria-agreed`)
      .send({ evidence: internal.evidence, actor: internal.note })
      .expect(200);
    const state = (await h.api.get(path).expect(200)).body;
    expect(state.atRisk).toBe(true);
  });

  it('opens from the welcome mail and shows this customer their plan, milestones, tasks, CSM and next step', async () => {
    expect(link).toMatch(/\/tracker\/[A-Za-z0-9_-]+\.\d+\.\d+\.[A-Za-z0-9_-]+$/);
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toContain(`Account ${id}`);
    const stages = await page.locator('#stages li').allTextContents();
    expect(stages.map((s) => s.trim().split('\n')[0])).toEqual([
      'Day 0 kickoff',
      'Day 1-30 access, environment & data',
      'Day 31-60 integration & validation',
      'Day 61-90 cutover, hypercare & stabilization',
    ]);
    // The milestone recorded above is done; the others show their targets.
    const state = (await h.api.get(`/onboardings/onboarding-${id}`).expect(200)).body;
    const rows = await page.locator('#milestones tbody tr').allTextContents();
    expect(rows).toHaveLength(state.milestones.length);
    for (const m of state.milestones) {
      const row = rows.find((r) => r.includes(m.name))!;
      expect(row).toContain(m.targetDate.slice(0, 10));
      expect(row).toContain(m.achievedAt ? `done ${m.achievedAt.slice(0, 10)}` : 'not yet');
    }
    const openTasks = state.tasks.filter((t: { status: string }) => t.status === 'open');
    await expect(page.locator('#tasks tbody tr').count()).resolves.toBe(openTasks.length);
    await expect(page.locator('#csm').textContent()).resolves.toContain('Ana Lopez');
    await expect(page.locator('#next-step').textContent()).resolves.toMatch(/Next step: .+/);
    await screenshot(page, 'tracker', { readme: true });
  });

  it('holds no internal data: no risks, at-risk reasons, escalations, evidence, notes or other customers', async () => {
    await page.goto(link);
    const body = await page.content();
    for (const secret of [internal.risk, internal.fallback, internal.note, internal.evidence, `Account ${other}`]) {
      expect(body).not.toContain(secret);
    }
    for (const word of ['risk', 'blocker', 'escalat', 'at-risk', 'audit'])
      expect(body.toLowerCase()).not.toContain(word);
  });

  it('refuses a tampered link, and says nothing about whose it was', async () => {
    const tampered = link.slice(0, -3) + (link.endsWith('AAA') ? 'BBB' : 'AAA');
    const response = await page.goto(tampered);
    expect(response?.status()).toBe(404);
    await expect(page.locator('.notice').textContent()).resolves.toContain('This link does not work');
    expect(await page.content()).not.toContain(`Account ${id}`);
    // Another onboarding's id in a link signed with the wrong secret is no better.
    const forged = signTrackerLink('not the secret', {
      onboardingId: `onboarding-${id}`,
      generation: 1,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    expect((await page.goto(`${base}/tracker/${forged}`))?.status()).toBe(404);
    await screenshot(page, 'tracker-refused');
  });

  it('refuses an expired link', async () => {
    const expired = signTrackerLink(h.pages.trackerLinks.secret, {
      onboardingId: `onboarding-${id}`,
      generation: 1,
      expiresAt: new Date(Date.now() - 1000),
    });
    const response = await page.goto(`${base}/tracker/${expired}`);
    expect(response?.status()).toBe(410);
    await expect(page.locator('.notice').textContent()).resolves.toContain('This link has expired');
    expect(await page.content()).not.toContain(`Account ${id}`);
  });

  it('refuses every link once revoked; a link issued after works', async () => {
    await h.api.post(`/onboardings/onboarding-${id}/tracker-link/revoke`).expect(204);
    const response = await page.goto(link);
    expect(response?.status()).toBe(410);
    await expect(page.locator('.notice').textContent()).resolves.toContain('This link has been withdrawn');
    expect(await page.content()).not.toContain(`Account ${id}`);

    const issued = (await h.api.post(`/onboardings/onboarding-${id}/tracker-link`).expect(201)).body;
    expect(new Date(issued.expiresAt).getTime()).toBeGreaterThan(Date.now() + 89 * 86_400_000);
    link = onThisApi(issued.url, base);
    expect((await page.goto(link))?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toContain(`Account ${id}`);
  });

  it('lets the team issue and revoke links only for what they may touch', async () => {
    const otherCsm = await h.createKey(['csm'], { csmId: 'csm-test-pool' });
    await h.as(otherCsm).post(`/onboardings/onboarding-${id}/tracker-link`).expect(403);
    await h.as(otherCsm).post(`/onboardings/onboarding-${id}/tracker-link/revoke`).expect(403);
    await h.api.post(`/onboardings/onboarding-nobody-${run}/tracker-link`).expect(404);
    // A retried issue with the same Idempotency-Key answers the first link again.
    const first = await h.api
      .post(`/onboardings/onboarding-${other}/tracker-link`)
      .set('Idempotency-Key', `issue-${run}`);
    const again = await h.api
      .post(`/onboardings/onboarding-${other}/tracker-link`)
      .set('Idempotency-Key', `issue-${run}`);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual(first.body);
    for (let i = 0; i < 2; i++)
      await h.api
        .post(`/onboardings/onboarding-${other}/tracker-link/revoke`)
        .set('Idempotency-Key', `revoke-${run}`)
        .expect(204);
    expect((await page.goto(onThisApi(first.body.url, base)))?.status()).toBe(410);
  });

  it('does not ask how it went before the end of the journey', async () => {
    await page.goto(link);
    await expect(page.locator('#satisfaction').count()).resolves.toBe(0);
    const token = link.split('/tracker/')[1];
    // A hand-made post is refused in plain words, and nothing is recorded.
    const refused = await request(h.http)
      .post(`/tracker/${token}/satisfaction`)
      .type('form')
      .send({ score: '5' })
      .expect(409);
    expect(refused.text).toContain('not over yet');
    const rows = await h.dataSource.query(`SELECT * FROM satisfaction_responses WHERE onboarding_id = $1`, [
      `onboarding-${id}`,
    ]);
    expect(rows).toEqual([]);
  });
});

describe('the satisfaction answer at the end of the journey', () => {
  it('is recorded from the page once the onboarding is completed, the latest answer kept', async () => {
    const id = account('done');
    const { link } = await startWithWelcome(id, 'smb');
    const handle = h.client.workflow.getHandle(`onboarding-${id}`);
    await walkJourney(handle, onboardingInput(id, 'smb'), () => new Promise((r) => setTimeout(r, 100)));

    await page.goto(link);
    await expect(page.locator('#next-step').textContent()).resolves.toContain('Your onboarding is complete');
    await page.selectOption('#score', '4');
    await page.fill('input[name=comment]', 'Smooth, <b>thanks</b>');
    await page.click('#satisfaction button');
    await expect(page.locator('.notice').textContent()).resolves.toContain('your answer is recorded');
    await expect(page.locator('#satisfaction').textContent()).resolves.toContain(
      'Your answer: 4 of 5, “Smooth, <b>thanks</b>”',
    );
    await screenshot(page, 'tracker-satisfaction');

    await page.selectOption('#score', '5');
    await page.fill('input[name=comment]', '');
    await page.click('#satisfaction button');
    const rows = await h.dataSource.query(
      `SELECT score, comment FROM satisfaction_responses WHERE onboarding_id = $1`,
      [`onboarding-${id}`],
    );
    expect(rows).toEqual([{ score: 5, comment: null }]);
  });
});
