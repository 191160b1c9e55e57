import { createSecretKey, randomUUID } from 'node:crypto';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module, RequestMethod } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module';
import { Clock, SystemClock } from './common/clock';
import { RateLimitService } from './common/rate-limit.service';
import { redactUrl } from './common/redact';
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
            // pino-http's request serializer, less the credentials a query string may carry (the
            // calendar feed's token, a signed packet link): the URL and the parsed query alike.
            serializers: {
              req: (req: { url?: string; query?: Record<string, unknown> }) => ({
                ...req,
                url: redactUrl(req.url),
                ...(req.query && typeof req.query === 'object' && 'token' in req.query
                  ? { query: { ...req.query, token: '[redacted]' } }
                  : {}),
              }),
            },
            redact: {
              paths: [
                'req.headers.authorization',
                'req.headers.cookie',
                'res.headers["set-cookie"]',
                '*.password',
                '*.token',
                '*.passwordHash',
                '*.secret',
                // TypeORM's QueryFailedError carries the statement's parameters: an outbox row's
                // one-time link, a password hash.
                'err.parameters',
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
          // A secret KeyObject, not the string: jsonwebtoken tries to parse a string as a PEM public key
          // first (an exception on every request, a tenth of a list request's CPU in bench/api.ts), and
          // a key object cannot be mistaken for an asymmetric key whatever the secret holds.
          secret: createSecretKey(Buffer.from(config.jwt.secret, 'utf8')),
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
