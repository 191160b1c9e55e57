import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, startTestSystem, type TestSystem } from '../harness';

/**
 * The API serves the built web application at `/` (WEB_DIR): client-side routes (the links in
 * e-mails) get index.html, hashed assets are cached for a year, and nothing changes under /api,
 * /docs and /admin. A folder of its own stands in for web/dist, so this does not need a build.
 */
describe('the web application served by the API', () => {
  let system: TestSystem;
  let dir: string;
  const INDEX =
    '<!doctype html><html><body><div id="root"></div><script type="module" src="/assets/app-1a2b3c.js"></script></body></html>';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mptf-web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'app-1a2b3c.js'), 'console.log("app");');
    system = await startTestSystem({ env: { WEB_DIR: dir } });
  });
  afterAll(async () => {
    await system.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const page = (url: string, accept = 'text/html,application/xhtml+xml') =>
    http(system, 'GET', url, { headers: { accept } });

  it.each([
    '/',
    '/sign-in',
    '/concept-notes/6f1c9a52-8f0e-4a53-9a57-3c2b8f1d2e4f',
    '/review-assignments/x',
    '/meetings/abc?tab=agenda',
  ])('answers the client-side route %s with index.html, not cached', async (url) => {
    const answer = await page(url);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toContain('text/html');
    expect(answer.headers['cache-control']).toBe('no-cache');
    expect(answer.body).toBe(INDEX);
  });

  it('serves hashed assets with a year-long immutable cache', async () => {
    const answer = await page('/assets/app-1a2b3c.js', '*/*');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toContain('javascript');
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(answer.body).toBe('console.log("app");');
  });

  it('keeps the API, its documents and missing files as they were', async () => {
    const api = await page('/api/v1/no-such-route');
    expect(api.status).toBe(404);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect((await page('/api/v1/health', 'application/json')).status).toBe(200);
    expect((await page('/docs/json', 'application/json')).body.openapi).toMatch(/^3\./);
    expect((await page('/assets/missing-file.js', '*/*')).status).toBe(404);
    expect((await page('/favicon.ico', '*/*')).status).toBe(404);
  });

  it('does not answer a JSON client on a page route with HTML', async () => {
    const answer = await page('/concept-notes', 'application/json');
    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toContain('application/problem+json');
  });

  it('runs the API alone when the web application is not built', async () => {
    const bare = await startTestSystem({ env: { WEB_DIR: join(dir, 'nothing-here') } });
    try {
      expect((await http(bare, 'GET', '/', { headers: { accept: 'text/html' } })).status).toBe(404);
      expect((await http(bare, 'GET', '/api/v1/health')).status).toBe(200);
    } finally {
      await bare.close();
    }
  });
});
