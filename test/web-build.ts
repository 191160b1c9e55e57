import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
export const WEB_DIST = join(ROOT, 'web', 'dist');

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

/**
 * Builds the web application (npm run web:build) when web/dist is missing or older than its
 * sources or openapi.json, so the browser tests always drive the code under test.
 */
export function ensureWebBuilt(): void {
  const index = join(WEB_DIST, 'index.html');
  const sources = ['web/src', 'web/index.html', 'web/vite.config.mts', 'openapi.json'].map((p) =>
    join(ROOT, p),
  );
  const sourceTime = Math.max(...sources.filter((p) => existsSync(p)).map(newest));
  if (existsSync(index) && statSync(index).mtimeMs >= sourceTime) return;
  execFileSync('npm', ['run', 'web:build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
}
