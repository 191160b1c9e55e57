import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
  goal?: string;
  machine: string;
  date: string;
}

const FILE = join(__dirname, 'results.json');

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** Prints the figures and merges them into bench/results.json (a figure replaces the one of the same name). */
export function record(figures: Omit<BenchFigure, 'machine' | 'date'>[]): void {
  const existing: BenchFigure[] = existsSync(FILE)
    ? (JSON.parse(readFileSync(FILE, 'utf8')) as BenchFigure[])
    : [];
  const stamped = figures.map((f) => ({ ...f, machine: machine(), date: new Date().toISOString() }));
  const merged = [...existing.filter((e) => !stamped.some((s) => s.name === e.name)), ...stamped];
  writeFileSync(FILE, JSON.stringify(merged, null, 2) + '\n');
  for (const f of stamped) {
    const baseline = f.baseline === undefined ? '' : `  (baseline ${f.baseline} ${f.unit}, ratio ${f.ratio})`;
    console.log(`${f.name}: ${f.value} ${f.unit}${baseline}${f.goal ? `  goal: ${f.goal}` : ''}`);
  }
}
