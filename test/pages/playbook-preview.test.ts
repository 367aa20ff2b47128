/**
 * The playbook preview page in a real browser: a published playbook's timeline under a scenario
 * ticked in the form equals `POST /playbooks/preview`'s for the same scenario; the journey map is
 * drawn by Mermaid from the page's source (so the Mermaid the service writes parses) and downloads
 * as the API's file; a draft edited in the page is previewed; refusals name the field; a CSM is
 * refused.
 */
import * as fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { JourneyPreview } from '../../src/domain/preview';
import type { Playbook } from '../../src/domain/playbook';
import request from 'supertest';
import { type ApiHarness, startApiHarness } from '../support/api-harness';
import { launchBrowser, listen, screenshot, signIn } from '../support/browser';

let h: ApiHarness;
let browser: Browser;
let base: string;
let opsKey: string;
let techTouch: Playbook;

beforeAll(async () => {
  h = await startApiHarness();
  base = await listen(h);
  browser = await launchBrowser();
  opsKey = await h.createKey(['cs-ops'], { name: 'Olu Ops' });
  techTouch = (await h.api.get('/playbooks/tech-touch').expect(200)).body;
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function signedIn(key: string, next: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await signIn(page, base, key, next);
  return { context, page };
}

/** What the page's timeline says, in the relative terms both sides share (days, not clock times). */
async function shownTimeline(page: Page) {
  return page.locator('#timeline tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      day: Number(tr.getAttribute('data-day')),
      kind: tr.getAttribute('data-kind'),
      subject: tr.querySelector('code')?.textContent,
    })),
  );
}

const timelineOf = (p: JourneyPreview) => p.events.map((e) => ({ day: e.day, kind: e.kind, subject: e.subject }));

async function figure(page: Page, name: string): Promise<string> {
  return ((await page.locator(`[data-figure="${name}"]`).textContent()) ?? '').trim();
}

describe('the playbook preview page', () => {
  it("shows a scenario's timeline as POST /playbooks/preview computes it, and draws the journey map", async () => {
    const { context, page } = await signedIn(opsKey, '/pages/playbooks/tech-touch/preview');
    await expect(page.locator('h1').textContent()).resolves.toBe(`Preview: ${techTouch.name}`);
    await page.waitForSelector('body[data-journey-map]');
    expect(await page.getAttribute('body', 'data-journey-map')).toBe('drawn');

    // The scenario of the issue: the customer never completes a task, the handoff arrives three days late.
    const neverTask = techTouch.tasks[0].key;
    await page.fill('#handoffDelayDays', '3');
    await page.check(`input[name=neverTasks][value="${neverTask}"]`);
    await Promise.all([page.waitForURL(/handoffDelayDays=3/), page.click('#scenario button[type=submit]')]);
    await page.waitForSelector('body[data-journey-map="drawn"]');

    const scenario = { handoffDelayDays: 3, never: { tasks: [neverTask] } };
    const expected: JourneyPreview = (
      await h.api.post('/playbooks/preview').send({ definition: techTouch, scenario }).expect(200)
    ).body;
    expect(expected.summary.escalations).toBeGreaterThan(0);
    expect(await shownTimeline(page)).toEqual(timelineOf(expected));
    expect(await figure(page, 'reminders')).toBe(String(expected.summary.reminders));
    expect(await figure(page, 'escalations')).toMatch(new RegExp(`^${expected.summary.escalations}\\b`));
    expect(await figure(page, 'milestones-missed')).toBe(String(expected.summary.milestonesMissed));
    // What was ticked stays ticked.
    expect(await page.isChecked(`input[name=neverTasks][value="${neverTask}"]`)).toBe(true);

    // Mermaid drew every stage of the playbook.
    const drawn = (await page.locator('#journey-map svg').textContent()) ?? '';
    for (const stage of techTouch.stages) expect(drawn).toContain(stage.name);
    await screenshot(page, 'preview', { readme: true });

    // The download is the API's journey map file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-map')]);
    const apiMap = await h.api.get('/playbooks/tech-touch/journey-map').expect(200);
    expect(download.suggestedFilename()).toBe(`tech-touch-v${techTouch.version}-journey-map.mmd`);
    expect(fs.readFileSync((await download.path())!, 'utf8')).toBe(apiMap.text);
    await context.close();
  });

  it('names the field of a scenario it refuses', async () => {
    const { context, page } = await signedIn(opsKey, '/pages/playbooks/tech-touch/preview');
    const response = await page.goto(`${base}/pages/playbooks/tech-touch/preview?horizonDays=0&handoffDelayDays=soon`);
    expect(response?.status()).toBe(400);
    const errors = (await page.locator('#preview-errors').textContent()) ?? '';
    expect(errors).toContain('scenario.horizonDays');
    expect(errors).toContain('scenario.handoffDelayDays');
    // The form is there to correct it (a number field cannot show "soon", so it shows none).
    expect(await page.inputValue('#handoffDelayDays')).toBe('');
    expect(await page.locator('#timeline').count()).toBe(0);
    await context.close();
  });

  it('previews a draft edited in the page, and refuses a draft that is not JSON or not a valid playbook', async () => {
    const { context, page } = await signedIn(opsKey, '/pages/playbooks/tech-touch/draft');
    const draft = structuredClone(techTouch);
    draft.stages[0].name = 'Kickoff, renamed in the draft';
    await page.fill('#definition', JSON.stringify(draft));
    await Promise.all([page.waitForURL(/\/pages\/playbooks\/preview$/), page.click('#scenario button[type=submit]')]);
    await page.waitForSelector('body[data-journey-map="drawn"]');
    expect(await page.locator('#journey-map svg').textContent()).toContain('Kickoff, renamed in the draft');
    const expected: JourneyPreview = (await h.api.post('/playbooks/preview').send({ definition: draft }).expect(200))
      .body;
    expect(await shownTimeline(page)).toEqual(timelineOf(expected));

    // Names built to break out of the page's markup and Mermaid's labels are shown as typed, never run.
    const hostile = structuredClone(techTouch);
    hostile.stages[0].name = '</pre><script>window.pwned = 1</script> --> end %% "quoted"';
    hostile.tasks[0].name = '"><img src=x onerror="window.pwned = 2">';
    await page.fill('#definition', JSON.stringify(hostile));
    await Promise.all([page.waitForURL(/\/pages\/playbooks\/preview$/), page.click('#scenario button[type=submit]')]);
    await page.waitForSelector('body[data-journey-map="drawn"]');
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('main script:not([src]), main img').count()).toBe(0);
    expect(await page.locator('#journey-map svg').textContent()).toContain('</pre><script>window.pwned = 1</script>');
    expect(await page.locator('#timeline').textContent()).toContain(hostile.tasks[0].key);

    await page.fill('#definition', '{ "tier": ');
    const [notJson] = await Promise.all([
      page.waitForResponse(/\/pages\/playbooks\/preview$/),
      page.click('#scenario button[type=submit]'),
    ]);
    expect(notJson.status()).toBe(400);
    await expect(page.locator('#preview-errors').textContent()).resolves.toContain('is not JSON');

    const invalid = { ...draft, firstValueMilestone: 'no-such-milestone' };
    await page.fill('#definition', JSON.stringify(invalid));
    const [refused] = await Promise.all([
      page.waitForResponse(/\/pages\/playbooks\/preview$/),
      page.click('#scenario button[type=submit]'),
    ]);
    expect(refused.status()).toBe(400);
    await expect(page.locator('#preview-errors').textContent()).resolves.toContain('firstValueMilestone');
    // The draft typed stays in the form, to be corrected.
    expect(await page.inputValue('#definition')).toContain('no-such-milestone');
    await context.close();
  });

  it('takes a draft as large as the JSON API does, with a box ticked for every item', async () => {
    const agent = request.agent(h.http);
    await agent.post('/pages/sign-in').type('form').send({ key: opsKey, next: '/pages/playbooks/tech-touch/draft' });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(
      (await agent.get('/pages/playbooks/tech-touch/draft').expect(200)).text,
    )![1];
    // Beyond the 64 kB and 50 fields of the other page forms: a long description, 60 boxes.
    const large = structuredClone(techTouch) as Playbook & { notes?: string };
    large.gates = large.gates.map((g) => ({
      ...g,
      acceptanceCriteria: [...g.acceptanceCriteria, 'x'.repeat(100_000)],
    }));
    const boxes = Array.from({ length: 60 }, (_, i) => `neverTasks=no-such-task-${i}`).join('&');
    const body = `_csrf=${encodeURIComponent(csrf)}&definition=${encodeURIComponent(JSON.stringify(large))}&${boxes}`;
    const res = await agent.post('/pages/playbooks/preview').type('form').send(body).expect(400);
    // Read and judged: the refusal names the scenario's first unknown task, not the body's size.
    expect(res.text).toContain('scenario.never.tasks[0]');
  });

  it('is for the people who read configuration: a CSM is refused', async () => {
    const csm = await h.createKey(['csm'], { csmId: 'csm-preview', name: 'Cam CSM' });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/pages/sign-in?next=${encodeURIComponent('/pages/playbooks/tech-touch/preview')}`);
    await page.fill('#key', csm);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/pages/playbooks/tech-touch/preview')),
      page.click('button[type=submit]'),
    ]);
    expect(answer.status()).toBe(403);
    expect(await page.locator('#timeline').count()).toBe(0);
    await context.close();
  });
});
