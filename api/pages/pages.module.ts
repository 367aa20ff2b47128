import { Module } from '@nestjs/common';
import { OnboardingsModule } from '../onboardings/onboardings.module';
import { PlaybooksModule } from '../playbooks/playbooks.module';
import { PortfolioModule } from '../portfolio/portfolio.module';
import { AssetsController } from './assets.controller';
import { OnboardingPage } from './onboarding.page';
import { PlaybookPreviewPage } from './playbook-preview.page';
import { PortfolioPage } from './portfolio.page';
import { SignInController } from './sign-in.controller';

/**
 * The team's pages, server-rendered: sign-in, the CSM's portfolio, an onboarding's page with its
 * daily-work forms. People sign in with their API key once (page session cookie); the same
 * roles and per-onboarding checks as the JSON API apply.
 */
@Module({
  imports: [OnboardingsModule, PortfolioModule, PlaybooksModule],
  controllers: [SignInController, PortfolioPage, OnboardingPage, PlaybookPreviewPage, AssetsController],
})
export class PagesModule {}
