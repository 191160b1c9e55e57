import { spawn, type ChildProcess } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '..');

/**
 * src/ transpiled to JavaScript in a temporary directory laid out like the project (templates and
 * node_modules linked), as `tsc` builds dist/ but without type checking: a worker started from it
 * boots in about a second instead of the three or more ts-node spends transpiling at every start,
 * which adds up over a test that restarts it again and again.
 */
function transpileSource(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mptf-worker-'));
  try {
    const { config } = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (path) => ts.sys.readFile(path));
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
    const compilerOptions = { ...options, sourceMap: false, outDir: undefined };
    const walk = (folder: string): string[] =>
      readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? walk(join(folder, entry.name)) : [join(folder, entry.name)],
      );
    for (const file of walk(join(ROOT, 'src')).filter((f) => /(?<!\.spec|\.d)\.ts$/.test(f))) {
      const target = join(dir, relative(ROOT, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      const source = readFileSync(file, 'utf8');
      writeFileSync(target, ts.transpileModule(source, { compilerOptions, fileName: file }).outputText);
    }
    for (const linked of ['node_modules', 'templates'])
      symlinkSync(join(ROOT, linked), join(dir, linked), 'dir');
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return dir;
}

/**
 * The real worker entry point (src/worker.ts, transpiled) as a child process, for tests that kill
 * it. Its configuration is the environment given here over this process's own (src/worker.ts
 * reads process.env; variables set here win over a local .env file). `dispose` when done.
 */
export class WorkerProcess {
  private readonly build = transpileSource();

  private child?: ChildProcess;
  private output: string[] = [];
  /** Set when the worker exits without having been told to (a crash at boot, a bad variable). */
  private unexpected?: string;

  constructor(private readonly env: Record<string, string>) {}

  start(): void {
    if (this.child) throw new Error('worker already running');
    const child = spawn(process.execPath, [join(this.build, 'src', 'worker.js')], {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('exit', (code, signal) => {
      if (this.child === child) {
        this.child = undefined;
        this.unexpected = `worker exited by itself (code ${code}, signal ${signal}):\n${this.log()}`;
      }
    });
    this.child = child;
  }

  /** Throws if the worker stopped without being told to. */
  check(): void {
    if (this.unexpected) throw new Error(this.unexpected);
  }

  /** SIGKILL: no shutdown hook runs, jobs in flight stay locked in Redis and claimed in PostgreSQL. */
  kill(): Promise<void> {
    return this.end('SIGKILL');
  }

  /** SIGTERM (graceful), then SIGKILL should it take more than `graceMs`. */
  async stop(graceMs = 10000): Promise<void> {
    const child = this.child;
    if (!child) return;
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.end('SIGTERM');
    clearTimeout(timer);
  }

  /** Kills the worker if it still runs and removes its transpiled source. */
  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.build, { recursive: true, force: true });
  }

  log(): string {
    return this.output.join('').slice(-8000);
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}
