import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Client } from '@temporalio/client';

/** Reachability of what the API needs: Temporal and PostgreSQL. 503 when either is down. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly temporal: Client,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 3_000 }), () => this.temporalCheck()]);
  }

  private async temporalCheck() {
    const indicator = this.indicators.check('temporal');
    try {
      await this.temporal.connection.withDeadline(Date.now() + 3_000, () =>
        this.temporal.workflowService.getSystemInfo({}),
      );
      return indicator.up({ namespace: this.temporal.options.namespace });
    } catch (err) {
      return indicator.down({ message: err instanceof Error ? err.message : String(err) });
    }
  }
}
