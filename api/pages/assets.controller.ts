import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { readFileSync } from 'node:fs';
import { PublicPage } from '../auth/access.decorator';
import { JOURNEY_MAP_SCRIPT, MERMAID_SCRIPT } from './playbook-preview-view';
import { PAGES_CSS } from './pages.css';

/**
 * Draws the preview page's journey map with Mermaid, once its script has loaded: a file, since
 * the CSP refuses inline scripts. The source is the page's (escaped) text of `#journey-map`;
 * `strict` keeps Mermaid from running anything a label might carry.
 */
const JOURNEY_MAP_JS = `'use strict';
(function () {
  var mermaid = window.mermaid;
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'neutral' });
  mermaid.run({ querySelector: '#journey-map' }).then(
    function () { document.body.setAttribute('data-journey-map', 'drawn'); },
    function (err) {
      document.body.setAttribute('data-journey-map', 'failed');
      console.error('the journey map could not be drawn', err);
    },
  );
})();
`;

let mermaidBundle: Buffer | undefined;

/** The pages' stylesheet and scripts, as files: the CSP allows styles and scripts from this origin only. */
@Controller()
export class AssetsController {
  @Get('pages/assets/pages.css')
  @PublicPage()
  css(@Res() res: Response) {
    res.type('text/css').setHeader('Cache-Control', 'public, max-age=300').send(PAGES_CSS);
  }

  @Get(JOURNEY_MAP_SCRIPT)
  @PublicPage()
  journeyMap(@Res() res: Response) {
    res.type('text/javascript').setHeader('Cache-Control', 'public, max-age=300').send(JOURNEY_MAP_JS);
  }

  /** Mermaid's own browser bundle, from the pinned package: its version is in the path, so it is cached for good. */
  @Get(MERMAID_SCRIPT)
  @PublicPage()
  mermaid(@Res() res: Response) {
    mermaidBundle ??= readFileSync(require.resolve('mermaid/dist/mermaid.min.js'));
    res.type('text/javascript').setHeader('Cache-Control', 'public, max-age=31536000, immutable').send(mermaidBundle);
  }
}
