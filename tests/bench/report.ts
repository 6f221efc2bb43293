/** Formatting shared by the benchmark reports, and the generated sections of docs/benchmarks.md. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './processes.js';

export const DOCS_FILE = path.join(ROOT, 'docs/benchmarks.md');

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const loadAverage = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
export const hostText = () => `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`;

/**
 * Replaces the block between `<!-- bench-<name>:begin -->` and its end marker in docs/benchmarks.md
 * (only the figures of a run; the text around them is written by hand), or appends it under `heading`.
 */
export function writeDocsSection(name: string, heading: string, section: string): void {
  const begin = `<!-- bench-${name}:begin -->`;
  const end = `<!-- bench-${name}:end -->`;
  const block = `${begin}\n${section}\n${end}`;
  const current = existsSync(DOCS_FILE) ? readFileSync(DOCS_FILE, 'utf8') : '# Benchmarks\n';
  const at = current.indexOf(begin);
  const to = current.indexOf(end);
  const next = at >= 0 && to > at ? current.slice(0, at) + block + current.slice(to + end.length) : `${current}\n## ${heading}\n\n${block}\n`;
  writeFileSync(DOCS_FILE, next);
}
