import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/decorators';
import { DomainError } from '../common/errors';
import { HealthService } from './health.service';
import { MetricsService } from './metrics.service';

@ApiTags('operations')
@Controller()
export class OperationsController {
  constructor(
    private readonly health: HealthService,
    private readonly metrics: MetricsService,
  ) {}

  @Get('health')
  @Public()
  @ApiOkResponse({ description: 'The process is alive' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @Public()
  @ApiOkResponse({ description: 'Postgres answers; Redis is reported but not required' })
  @ApiServiceUnavailableResponse({ description: 'Postgres is unreachable' })
  async ready(): Promise<{ status: 'ready'; checks: { postgres: string; redis: string } }> {
    const [postgres, redis] = await Promise.all([this.health.postgres(), this.health.redis()]);
    if (postgres === 'down') {
      throw new DomainError('NOT_READY', 503, 'Postgres is unreachable', undefined, {
        checks: { postgres, redis },
      });
    }
    return { status: 'ready', checks: { postgres, redis } };
  }

  @Get('metrics')
  @Public()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus metrics' })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
