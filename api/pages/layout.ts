import type { Response } from 'express';
import { principalLabel } from '../../src/domain/principal';
import type { RequestWithCaller } from '../auth/caller';
import { ROUTE_ROLES } from '../auth/route-roles';
import { TIERS } from '../../src/domain/segment';
import { type Html, html } from './html';

export interface PageFrame {
  title: string;
  /** Shown in the header when a team member is signed in: their name and a sign-out form. */
  signedIn?: SignedIn;
  /** A message in plain words above the content: the outcome of the last action, or a refusal. */
  notice?: { kind: 'ok' | 'refused'; text: string };
  /** Go on to this page of ours at once (a same-site step, e.g. after signing in at the identity provider). */
  refreshTo?: string;
}

export interface SignedIn {
  name: string;
  csrfToken: string;
  /** The header links to the leadership dashboard only for those whose roles may read it. */
  mayReadDashboards: boolean;
  /** And to the playbook preview only for those who read configuration. */
  mayPreviewPlaybooks: boolean;
}

/** Who is signed in on a page request (after the page guard), as the header shows them. */
export function signedInAs(req: RequestWithCaller): SignedIn {
  const { principal } = req.caller!;
  return {
    name: principalLabel(principal),
    csrfToken: req.csrfToken!,
    mayReadDashboards: principal.roles.some((r) => (ROUTE_ROLES.readDashboards as readonly string[]).includes(r)),
    mayPreviewPlaybooks: principal.roles.some((r) => (ROUTE_ROLES.playbookPages as readonly string[]).includes(r)),
  };
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
                  ${frame.signedIn.mayReadDashboards ? html`<a href="/pages/dashboards/leadership">Dashboard</a>` : ''}
                  ${frame.signedIn.mayPreviewPlaybooks ? html`<a href="/pages/playbooks/${TIERS[0]}/preview">Playbooks</a>` : ''}
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

/** Answers a page: HTML, never cached (every page shows one person's or one customer's data). */
export function sendPage(res: Response, status: number, frame: PageFrame, content: Html): void {
  res.status(status).type('html').setHeader('Cache-Control', 'no-store').send(page(frame, content).value);
}

/** A date as people read it (UTC, the service's clock): 2027-01-15. */
export function day(iso: string | Date | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toISOString().slice(0, 10);
}

/** A moment: 2027-01-15 14:02 UTC. */
export function moment(iso: string | Date | null | undefined): string {
  if (!iso) return '—';
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
