import { Public } from '../auth/access.decorator';
import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Client } from '@temporalio/client';
import type { Response } from 'express';
import { RETRY_AFTER_SECONDS } from '../common/problem-of';
import { DEPENDENCY_TIMEOUT_MS } from '../common/tokens';

/**
 * Reachability of what the API needs: Temporal and PostgreSQL, checked side by side, each within
 * the dependency deadline. 503 when either is down, in terminus's own shape (`error` and `details`
 * name which), the shape monitors and orchestrators read, rather than a problem document.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly temporal: Client,
    @Inject(DEPENDENCY_TIMEOUT_MS) private readonly timeoutMs: number,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  async check(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: this.timeoutMs }),
        () => this.temporalCheck(),
      ]);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      res.status(503).setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      return err.getResponse() as HealthCheckResult;
    }
  }

  private async temporalCheck() {
    const indicator = this.indicators.check('temporal');
    try {
      await this.temporal.connection.withDeadline(Date.now() + this.timeoutMs, () =>
        this.temporal.workflowService.getSystemInfo({}),
      );
      return indicator.up({ namespace: this.temporal.options.namespace });
    } catch (err) {
      return indicator.down({ message: err instanceof Error ? err.message : String(err) });
    }
  }
}
