// Parser benchmark: corpus throughput (warm, median of several runs) against a plain regex tokenizing
// pass over the same text in the same run, the largest /export, and peak memory.
// Run: npm run bench (all bench modules) or `node --expose-gc --conditions=import --import tsx bench/run.ts parser`.
// Figures use CPU time of this process (process.cpuUsage), so other load on the machine skews them less.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '../server/src/parser/index';
import { tokenize } from '../server/src/parser/lexer';

const root = process.env.REPO_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const corpusDir = join(root, '..', 'shared', 'corpus', 'files');
const LARGEST = 'Defm__mikrobackups__rawconf_anna_latest.rsc';

export interface BenchRow {
  name: string;
  value: string;
  target?: string;
  ok?: boolean;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** A plain regex tokenizer over the same text: strings, words, single punctuation. */
const REGEX_TOKEN = /"(?:[^"\\]|\\[\s\S])*"|#[^\r\n]*|[^\s;{}[\]()"=]+|\S/g;
function regexPass(text: string): number {
  REGEX_TOKEN.lastIndex = 0;
  let n = 0;
  while (REGEX_TOKEN.exec(text) !== null) n++;
  return n;
}

function timeRuns(runs: number, fn: () => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = cpuMs();
    fn();
    out.push(cpuMs() - t);
  }
  return out;
}

export function run(): BenchRow[] {
  if (!existsSync(corpusDir)) return [{ name: 'parser', value: `skipped: ${corpusDir} not found` }];
  const texts = readdirSync(corpusDir).sort().map((f) => readFileSync(join(corpusDir, f), 'utf8'));
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t, 'utf8'), 0);
  const mb = bytes / 1e6;
  const runs = Number(process.env.BENCH_RUNS ?? 5);

  // warm-up
  for (const t of texts) {
    regexPass(t);
    parse(t);
  }
  const regexMs = median(timeRuns(runs, () => texts.forEach(regexPass)));
  const lexMs = median(timeRuns(runs, () => texts.forEach((t) => tokenize(t))));
  const parseMs = median(timeRuns(runs, () => texts.forEach((t) => parse(t))));

  const largest = texts[readdirSync(corpusDir).sort().indexOf(LARGEST)];
  let largestMs = NaN;
  if (largest) {
    for (let i = 0; i < 5; i++) parse(largest);
    largestMs = median(timeRuns(21, () => parse(largest)));
  }

  // peak memory while parsing the whole corpus once (each result dropped, as a linter would)
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  let peakRss = process.memoryUsage().rss;
  let peakHeap = process.memoryUsage().heapUsed;
  for (const t of texts) {
    parse(t);
    const m = process.memoryUsage();
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
  }
  const parseMBs = mb / (parseMs / 1000);
  const regexMBs = mb / (regexMs / 1000);
  return [
    { name: 'corpus size', value: `${texts.length} files, ${mb.toFixed(2)} MB` },
    { name: 'regex tokenizing pass', value: `${regexMBs.toFixed(1)} MB/s (${regexMs.toFixed(0)} ms)` },
    { name: 'lexer only', value: `${(mb / (lexMs / 1000)).toFixed(1)} MB/s (${lexMs.toFixed(0)} ms)` },
    { name: 'parse (lex+parse+embedded)', value: `${parseMBs.toFixed(1)} MB/s (${parseMs.toFixed(0)} ms)`, target: '>= 20 MB/s', ok: parseMBs >= 20 },
    { name: 'parse / regex ratio', value: `${(parseMBs / regexMBs).toFixed(3)} (regex is ${(regexMBs / parseMBs).toFixed(1)}x faster)` },
    { name: `largest export (${(Buffer.byteLength(largest ?? '') / 1000).toFixed(0)} KB)`, value: `${largestMs.toFixed(1)} ms median`, target: '< 20 ms', ok: largestMs < 20 },
    { name: 'peak memory, whole corpus', value: `rss ${(peakRss / 1e6).toFixed(0)} MB, heap ${(peakHeap / 1e6).toFixed(0)} MB`, target: '< 200 MB', ok: peakRss < 200e6 },
  ];
}
