import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PublicPage } from '../auth/access.decorator';
import { PAGES_CSS } from './pages.css';

/** The pages' stylesheet, as a file: the CSP allows styles from this origin, not inline ones. */
@Controller('pages/assets')
export class AssetsController {
  @Get('pages.css')
  @PublicPage()
  css(@Res() res: Response) {
    res.type('text/css').setHeader('Cache-Control', 'public, max-age=300').send(PAGES_CSS);
  }
}
