import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthGuard } from '../common/auth/auth.guard';
import { CommonErrors } from '../common/errors';
import { toProblem } from '../common/problem-details.filter';
import { redactUrl } from '../common/redact';
import { logRefusal } from '../common/security-log';
import { DASHBOARD_COOKIE, DASHBOARD_PATH, TOKEN_AUDIENCE } from '../auth/tokens';
import { AuditService } from '../audit/audit.service';
import { ALL_QUEUES } from './queues';

/**
 * The BullMQ dashboard at /admin/queues, for admin and secretariat only. A browser gets in with the
 * short-lived HttpOnly cookie from POST /api/v1/auth/dashboard-session; a script may send a bearer token.
 */
export async function registerQueueDashboard(app: NestFastifyApplication): Promise<void> {
  const queues = ALL_QUEUES.map((name) => app.get<Queue>(getQueueToken(name), { strict: false }));
  const serverAdapter = new BullBoardFastifyAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter });
  const guard = app.get(AuthGuard, { strict: false });
  const audit = app.get(AuditService, { strict: false });

  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(async (scope) => {
    scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        const cookie = request.cookies?.[DASHBOARD_COOKIE];
        const actor = cookie
          ? await guard.verify(request, cookie, TOKEN_AUDIENCE.dashboard)
          : await guard.authenticate(request, request.headers.authorization);
        if (!actor.roles.includes('admin') && !actor.roles.includes('secretariat')) {
          await audit.security('access_denied', {
            userId: actor.id,
            email: actor.email,
            method: request.method,
            path: redactUrl(request.url),
            detail: 'queue dashboard',
          });
          throw CommonErrors.forbidden('The queue dashboard is for administrators and the secretariat');
        }
      } catch (error) {
        const problem = toProblem(error, { url: request.url, id: String(request.id) });
        // A request without credentials: the 403 above and refused tokens are logged already.
        await logRefusal(audit, request, error, problem);
        return reply
          .status(problem.status)
          .header('content-type', 'application/problem+json; charset=utf-8')
          .send(problem);
      }
    });
    await scope.register(serverAdapter.registerPlugin() as never, { prefix: DASHBOARD_PATH });
  });
}
