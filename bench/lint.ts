// Lint benchmark (issue 3): the whole pipeline (parse, model, knock recognition, every check) on the
// largest full /export of the corpus, warm, median of several runs; plus the split between the stages
// so a regression points at its layer.
//
// Measured as it ships, like bench/parser.ts: the pipeline is bundled by esbuild and run by plain node
// (default heap settings, as the CLI and the language server run) in a child process, not through tsx
// (whose keepNames transform wraps every closure and makes the sources look slower than the bundle).
// Each run is timed by the wall clock (what a user waits for; held to the target) and by process CPU
// time (all threads, so it includes V8's parallel garbage collection on the second core), as in
// bench/parser.ts. The same pipeline run from the tsx-compiled sources in this process is reported
// beside it, for reference only.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lint } from '../server/src/lint';

const root = process.env.REPO_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const LARGEST = join(root, '..', 'shared', 'corpus', 'files', 'Defm__mikrobackups__rawconf_anna_latest.rsc');

interface Row {
  name: string;
  value: string;
  target?: string;
  ok?: boolean;
}

interface ChildResult {
  /** Wall-clock medians. */
  totalMs: number;
  parseMs: number;
  modelMs: number;
  /** CPU-time median of the whole pipeline. */
  totalCpuMs: number;
  findings: number;
}

/** Runs inside the child (plain node, ESM): prints one JSON line of ChildResult. */
const CHILD = `
import { readFileSync } from 'node:fs';
import { lint, parse, buildModel, findKnockSequences } from './lint.mjs';
const text = readFileSync(process.argv[2], 'utf8');
const runs = Number(process.argv[3]);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
// [wall median, cpu median]
const medianOf = (n, fn) => {
  const wall = [], cpus = [];
  for (let i = 0; i < n; i++) { const c = cpu(); const t = performance.now(); fn(); wall.push(performance.now() - t); cpus.push(cpu() - c); }
  return [med(wall), med(cpus)];
};
for (let i = 0; i < 5; i++) lint(text);
const [totalMs, totalCpuMs] = medianOf(runs, () => lint(text));
const parsed = parse(text);
const [parseMs] = medianOf(runs, () => parse(text));
const [modelMs] = medianOf(runs, () => findKnockSequences(buildModel(parsed, text)));
console.log(JSON.stringify({ totalMs, totalCpuMs, parseMs, modelMs, findings: lint(text).findings.length }));
`;

async function prepare(dir: string): Promise<void> {
  await build({
    stdin: {
      contents:
        `export { lint } from ${JSON.stringify(join(root, 'server/src/lint.ts'))};\n` +
        `export { parse } from ${JSON.stringify(join(root, 'server/src/parser/index.ts'))};\n` +
        `export { buildModel, findKnockSequences } from ${JSON.stringify(join(root, 'server/src/model/index.ts'))};\n`,
      resolveDir: root,
      loader: 'ts',
      sourcefile: 'bench-lint-entry.ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: join(dir, 'lint.mjs'),
    logLevel: 'warning',
  });
  writeFileSync(join(dir, 'child.mjs'), CHILD);
}

function medianOf(runs: number, fn: () => void): number {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    xs.push(performance.now() - t);
  }
  xs.sort((a, b) => a - b);
  return xs[xs.length >> 1];
}

export async function run(): Promise<Row[]> {
  if (!existsSync(LARGEST)) return [{ name: 'lint', value: `skipped: ${LARGEST} not found` }];
  const runs = Number(process.env.BENCH_RUNS ?? 21);
  const dir = mkdtempSync(join(tmpdir(), 'rsc-bench-lint-'));
  let c: ChildResult;
  try {
    await prepare(dir);
    const r = spawnSync(process.execPath, [join(dir, 'child.mjs'), LARGEST, String(runs)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench child failed: ${r.stderr}`);
    c = JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // reference: the same pipeline from the tsx-compiled sources, in this process
  const text = readFileSync(LARGEST, 'utf8');
  for (let i = 0; i < 5; i++) lint(text);
  const tsxMs = medianOf(runs, () => lint(text));
  return [
    { name: `largest export (${(text.length / 1000).toFixed(0)} KB, ${text.split('\n').length} lines)`, value: `${c.findings} findings` },
    { name: 'lint, whole pipeline (bundled, node defaults), wall', value: `${c.totalMs.toFixed(1)} ms median (CPU ${c.totalCpuMs.toFixed(1)} ms)`, target: '< 50 ms', ok: c.totalMs < 50 },
    { name: '  of which parse', value: `${c.parseMs.toFixed(1)} ms` },
    { name: '  of which model + knocks', value: `${c.modelMs.toFixed(1)} ms` },
    { name: '  of which checks (rest)', value: `${Math.max(0, c.totalMs - c.parseMs - c.modelMs).toFixed(1)} ms` },
    { name: 'lint, whole pipeline (tsx-run sources, reference)', value: `${tsxMs.toFixed(1)} ms median` },
  ];
}
