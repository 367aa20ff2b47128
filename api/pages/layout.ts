import type { Response } from 'express';
import { type Html, html } from './html';

export interface PageFrame {
  title: string;
  /** Shown in the header when a team member is signed in: their name and a sign-out form. */
  signedIn?: { name: string; csrfToken: string };
  /** A message in plain words above the content: the outcome of the last action, or a refusal. */
  notice?: { kind: 'ok' | 'refused'; text: string };
  /** Go on to this page of ours at once (a same-site step, e.g. after signing in at the identity provider). */
  refreshTo?: string;
}

/** The page shell: no inline script or style (Helmet's CSP), one stylesheet, readable without JavaScript. */
export function page(frame: PageFrame, content: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        ${frame.refreshTo ? html`<meta http-equiv="refresh" content="0;url=${frame.refreshTo}" />` : ''}
        <title>${frame.title} · Onboarding Orchestrator</title>
        <link rel="stylesheet" href="/pages/assets/pages.css" />
      </head>
      <body>
        <header class="top">
          <span class="brand">Onboarding Orchestrator</span>
          ${
            frame.signedIn
              ? html`<nav>
                  <a href="/pages/portfolio">Portfolio</a>
                  <span class="who">${frame.signedIn.name}</span>
                  <form method="post" action="/pages/sign-out" class="inline">
                    <input type="hidden" name="_csrf" value="${frame.signedIn.csrfToken}" />
                    <button type="submit">Sign out</button>
                  </form>
                </nav>`
              : ''
          }
        </header>
        <main>
          <h1>${frame.title}</h1>
          ${
            frame.notice
              ? html`<p
                  class="notice ${frame.notice.kind}"
                  role="${frame.notice.kind === 'refused' ? 'alert' : 'status'}"
                >
                  ${frame.notice.text}
                </p>`
              : ''
          }
          ${content}
        </main>
      </body>
    </html>`;
}

/** A date as people read it (UTC, the service's clock): 2027-01-15. */
/** Answers a page: HTML, never cached (every page shows one person's or one customer's data). */
export function sendPage(res: Response, status: number, frame: PageFrame, content: Html): void {
  res.status(status).type('html').setHeader('Cache-Control', 'no-store').send(page(frame, content).value);
}

export function day(iso: string | Date | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toISOString().slice(0, 10);
}

/** A moment: 2027-01-15 14:02 UTC. */
export function moment(iso: string | Date | null | undefined): string {
  if (!iso) return '—';
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
