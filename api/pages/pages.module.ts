import { type DynamicModule, Module } from '@nestjs/common';
import { OnboardingsModule } from '../onboardings/onboardings.module';
import { PlaybooksModule } from '../playbooks/playbooks.module';
import { PortfolioModule } from '../portfolio/portfolio.module';
import { AssetsController } from './assets.controller';
import { DashboardPages } from './dashboards.page';
import { OnboardingPage } from './onboarding.page';
import { PlaybookPreviewPage } from './playbook-preview.page';
import { PortfolioPage } from './portfolio.page';
import { SignInController } from './sign-in.controller';

/**
 * The team's pages, server-rendered: sign-in, the CSM's portfolio, an onboarding's page with its
 * daily-work forms, the leadership dashboard, the pilot comparison and the playbook preview.
 * People sign in once, with their API key or at the identity provider (a page session cookie);
 * the same roles and per-onboarding checks as the JSON API apply.
 */
@Module({})
export class PagesModule {
  /**
   * `dashboards`: the application's own DashboardsModule.forRoot(...), passed in (not built
   * again here) so that Nest keeps one instance of it and registers its JSON routes once.
   */
  static forRoot(dashboards: DynamicModule): DynamicModule {
    return {
      module: PagesModule,
      imports: [OnboardingsModule, PortfolioModule, PlaybooksModule, dashboards],
      controllers: [
        SignInController,
        PortfolioPage,
        OnboardingPage,
        DashboardPages,
        PlaybookPreviewPage,
        AssetsController,
      ],
    };
  }
}
