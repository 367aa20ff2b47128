import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Client } from '@temporalio/client';
import { DEPENDENCY_TIMEOUT_MS } from '../common/tokens';

/**
 * Reachability of what the API needs: Temporal and PostgreSQL, checked side by side, each within
 * the dependency deadline. 503 when either is down, naming which.
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
  @HealthCheck()
  check() {
    return this.health.check([() => this.database.pingCheck('database', { timeout: this.timeoutMs }), () => this.temporalCheck()]);
  }

  private async temporalCheck() {
    const indicator = this.indicators.check('temporal');
    try {
      await this.temporal.connection.withDeadline(Date.now() + this.timeoutMs, () => this.temporal.workflowService.getSystemInfo({}));
      return indicator.up({ namespace: this.temporal.options.namespace });
    } catch (err) {
      return indicator.down({ message: err instanceof Error ? err.message : String(err) });
    }
  }
}
