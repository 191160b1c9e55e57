import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { TEST_JWT_SECRET } from '../harness';

const ROOT = resolve(__dirname, '../..');
/** The exit code of a configuration error (EX_CONFIG of sysexits.h). */
const EX_CONFIG = 78;

/**
 * Runs an entry point as a real process (ts-node, as `npm run dev` does) with the given variables on
 * top of this process's environment. The real environment wins over a developer's .env file.
 */
function boot(entry: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', entry], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: TEST_JWT_SECRET, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    // A process that booted after all would run until killed: stop it so the test fails, not hangs.
    const guard = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(guard);
      done({ code, stderr });
    });
  });
}

describe('boot with a bad configuration', () => {
  it('stops the API with exit code 78 and a message naming PORT', async () => {
    const { code, stderr } = await boot('src/main.ts', { PORT: 'not-a-port' });
    expect(code).toBe(EX_CONFIG);
    expect(stderr).toContain('Invalid configuration');
    expect(stderr).toMatch(/^ {2}- PORT must be an integer port$/m);
  });

  it('stops the worker with exit code 78 and a message naming REDIS_URL', async () => {
    const { code, stderr } = await boot('src/worker.ts', { REDIS_URL: 'http://x' });
    expect(code).toBe(EX_CONFIG);
    expect(stderr).toContain('Invalid configuration');
    expect(stderr).toMatch(/^ {2}- REDIS_URL must be a redis:\/\/ URL$/m);
  });

  it('names every bad variable of the API at once', async () => {
    const { code, stderr } = await boot('src/main.ts', { PORT: 'not-a-port', JWT_SECRET: 'too-short' });
    expect(code).toBe(EX_CONFIG);
    expect(stderr).toMatch(/^ {2}- PORT /m);
    expect(stderr).toMatch(/^ {2}- JWT_SECRET must be at least 32 characters$/m);
  });
});
