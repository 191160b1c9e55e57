/*
 * The load generator of bench/api.ts, in a process of its own (so that it does not share an event
 * loop with the servers it measures). It waits for runs on its IPC channel and answers each with
 * autocannon's figures. Every run targets 127.0.0.1, is bounded in time (and for writes in
 * requests), and the process exits when its parent disconnects.
 */
import autocannon from 'autocannon';

export interface LoadRun {
  /** http://127.0.0.1:port */
  base: string;
  /** Paths requested in turn; with `once`, each exactly once (the run ends when all are done). */
  paths: string[];
  once?: boolean;
  method?: 'GET' | 'POST';
  body?: string;
  token: string;
  seconds: number;
  connections: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
}

async function run(options: LoadRun): Promise<LoadResult> {
  const url = new URL(options.base);
  if (url.hostname !== '127.0.0.1') throw new Error(`refusing to load ${url.hostname}: loopback only`);
  let next = 0;
  const result = await autocannon({
    url: options.base,
    connections: options.connections,
    duration: options.seconds,
    ...(options.once ? { amount: options.paths.length } : {}),
    timeout: 10,
    method: options.method ?? 'GET',
    headers: {
      authorization: `Bearer ${options.token}`,
      ...(options.body ? { 'content-type': 'application/json' } : {}),
    },
    ...(options.body ? { body: options.body } : {}),
    requests: [
      {
        setupRequest: (request) => ({ ...request, path: options.paths[next++ % options.paths.length] }),
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
  };
}

if (require.main === module) {
  if (!process.send) throw new Error('bench/api-load.ts runs as a child of bench/api.ts');
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: LoadRun) => {
    run(message).then(
      (result) => process.send!({ ok: true, result }),
      (error: unknown) => process.send!({ ok: false, error: String(error) }),
    );
  });
  process.send({ ready: true });
}
