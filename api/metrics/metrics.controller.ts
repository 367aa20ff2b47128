import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Allow, OpenInEmbeddedDefault } from '../auth/access.decorator';
import { ROUTE_ROLES } from '../auth/route-roles';
import { HttpMetrics, PROMETHEUS_TEXT } from './http-metrics';

/**
 * Prometheus scrapes the API here. The operator role, as a bearer key (Prometheus's
 * `authorization: { credentials_file: … }`), except in the embedded default, which listens on
 * this machine only and is open, like the codec endpoint. Labels carry no personal data: route
 * templates, methods and statuses only. The worker's metrics are served by the Temporal runtime
 * on WORKER_METRICS_ADDRESS.
 */
@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(HttpMetrics) private readonly metrics: HttpMetrics) {}

  @Get()
  @Allow(...ROUTE_ROLES.readMetrics)
  @OpenInEmbeddedDefault()
  @Header('Content-Type', PROMETHEUS_TEXT)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      "The API's metrics in Prometheus's text format: requests by method, route template and status, and the Node process",
  })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'Prometheus text exposition format 0.0.4', schema: { type: 'string' } })
  async scrape(): Promise<string> {
    return this.metrics.text();
  }
}
