import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import helmet from '@fastify/helmet';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { toProblem } from './common/problem-details.filter';
import { runWithContext } from './common/request-context';
import { DomainError } from './common/errors';
import { MAX_JSON_DEPTH, nestedDeeperThan, validationPipe } from './common/validation';
import type { AppConfig } from './config/config';
import { MetricsService } from './operations/metrics.service';
import { registerQueueDashboard } from './operations/queue-dashboard';
import { serveWebApp } from './web/web-app';

export const API_PREFIX = 'api/v1';
const REQUEST_ID = /^[A-Za-z0-9._-]{8,100}$/;

/** The Fastify adapter the API runs on (main.ts and tests alike). */
export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    genReqId: (request: IncomingMessage) => {
      const header = request.headers['x-request-id'];
      return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    },
    logger: false,
    // Errors the router raises before any route runs (a malformed percent-encoding, a path parameter
    // over maxParamLength) answer problem details like every other error, not Fastify's own JSON.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      void reply
        .status(error.statusCode ?? 400)
        .header('x-request-id', request.id)
        .header('content-type', 'application/problem+json; charset=utf-8')
        .send(toProblem(error, { url: request.url, id: String(request.id) }));
    },
  });
}

export function buildOpenApi(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Migration MPTF concept-note workflow')
    .setDescription(
      'Concept notes, endorsements, screening, reviews and Steering Committee decisions of the UN Migration Multi-Partner Trust Fund. Errors are RFC 9457 problem details with a stable `code`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Pipes, filters, security headers, request context, metrics, dashboard and OpenAPI: used by main.ts and tests. */
export async function configureApp(
  app: NestFastifyApplication,
  config: AppConfig,
): Promise<NestFastifyApplication> {
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.setGlobalPrefix(API_PREFIX);
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  const https = config.publicUrl.startsWith('https://');
  await fastify.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    hsts: https ? { maxAge: 31536000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  await fastify.register(cookie);
  // One file per request, bounded: a larger upload is refused before it is read into memory whole.
  await fastify.register(multipart, {
    limits: { fileSize: config.attachmentMaxBytes, files: 1, fields: 10, parts: 11 },
  });

  // A body nested deeper than any request needs is refused before anything walks it recursively
  // (the validation pipe, class-transformer, the idempotency hash), which would overflow the stack.
  const tooDeep = `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`;
  fastify.addHook('preValidation', (request, _reply, done) => {
    done(nestedDeeperThan(request.body) ? new DomainError('MALFORMED_BODY', 400, tooDeep) : undefined);
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    runWithContext(
      { requestId: String(request.id), ip: request.ip, userAgent: request.headers['user-agent'] },
      done,
    );
  });
  const metrics = app.get(MetricsService);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    if (reply.statusCode >= 500) metrics.httpErrors.inc({ status: String(reply.statusCode) });
    done();
  });

  await registerQueueDashboard(app);
  await serveWebApp(app, config);
  SwaggerModule.setup('docs', app, () => buildOpenApi(app), { jsonDocumentUrl: 'docs/json' });
  return app;
}
