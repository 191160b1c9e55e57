import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/config';

/** Paths that belong to the server, never to the web application's client-side routes. */
const SERVER_PATHS = /^\/(api|docs|admin)(\/|$)/;

/**
 * Serves the built web application (web/dist) at `/`: hashed assets cached for a year, and
 * index.html for every other GET a browser makes to a client-side route (/concept-notes/…), so
 * the links in e-mails open the right screen. Nothing changes under /api, /docs and /admin.
 * Returns false when the application has not been built (the API then runs alone).
 */
export async function serveWebApp(app: NestFastifyApplication, config: AppConfig): Promise<boolean> {
  const root = config.webDir;
  if (!existsSync(join(root, 'index.html'))) return false;
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: false,
    setHeaders(response, path) {
      void response.header(
        'cache-control',
        path.includes(`${join(root, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const sendIndex = (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    const wantsHtml = (request.headers.accept ?? '*/*').match(/text\/html|\*\/\*/);
    if (SERVER_PATHS.test(path) || !wantsHtml || /\.[a-z0-9]+$/i.test(path)) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  };
  fastify.get('/', sendIndex);
  fastify.get('/*', sendIndex);
  return true;
}
