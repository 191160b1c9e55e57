import { Module } from '@nestjs/common';
import { HealthService } from './health.service';
import { MetricsService } from './metrics.service';
import { OperationsController } from './operations.controller';

/** Health, readiness and metrics. The queues come from their domains' modules. */
@Module({
  controllers: [OperationsController],
  providers: [HealthService, MetricsService],
  exports: [MetricsService],
})
export class OperationsModule {}
