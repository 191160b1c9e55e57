import { randomUUID } from 'node:crypto';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module, RequestMethod } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module';
import { Clock, SystemClock } from './common/clock';
import { RateLimitService } from './common/rate-limit.service';
import { currentRequestId } from './common/request-context';
import { APP_CONFIG, type AppConfig } from './config/config';
import { redisOptions } from './config/redis';
import { dataSourceOptions } from './database/options';
import { NotificationsModule } from './notifications/notifications.module';
import { JWT_ALGORITHM } from './auth/tokens';

export type ProcessRole = 'api' | 'worker';

/** What both entry points share: configuration, logging, Postgres, Redis queues, clock, audit, outbox. */
@Global()
@Module({})
export class CoreModule {
  static register(config: AppConfig, role: ProcessRole): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        LoggerModule.forRoot({
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: {
            level: config.logLevel,
            genReqId: (request) => String((request as { id?: string }).id ?? randomUUID()),
            customProps: () => ({ process: role }),
            redact: {
              paths: [
                'req.headers.authorization',
                'req.headers.cookie',
                'res.headers["set-cookie"]',
                '*.password',
                '*.token',
                '*.passwordHash',
                '*.secret',
              ],
              censor: '[redacted]',
            },
            mixin: () => {
              const requestId = currentRequestId();
              return requestId ? { requestId } : {};
            },
            autoLogging: { ignore: (request) => /\/(health|metrics)/.test(request.url ?? '') },
          },
        }),
        TypeOrmModule.forRoot(dataSourceOptions(config)),
        BullModule.forRoot({
          prefix: config.queuePrefix,
          connection:
            role === 'api'
              ? // The API never waits on Redis: a command fails at once and the outbox keeps the work.
                { ...redisOptions(config.redisUrl), enableOfflineQueue: false, maxRetriesPerRequest: 1 }
              : { ...redisOptions(config.redisUrl), maxRetriesPerRequest: null },
        }),
        JwtModule.register({
          global: true,
          secret: config.jwt.secret,
          signOptions: { algorithm: JWT_ALGORITHM },
          verifyOptions: { algorithms: [JWT_ALGORITHM] },
        }),
        AuditModule,
        NotificationsModule,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Clock, useClass: SystemClock },
        RateLimitService,
      ],
      exports: [APP_CONFIG, Clock, RateLimitService],
    };
  }
}
