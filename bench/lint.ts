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
/** The largest corpus file (1.6 MB, 11,537 lines: an address list of a blocklist), issue 15. */
const BIGGEST = join(root, '..', 'shared', 'corpus', 'files', 'ycg31__routeros-exports__ipfirewall__turris__turris_sentinel-ipv4-all.rsc');

/** `n` independent knocks of `stages` stages each (own ports and lists), then one WAN drop (issue 15). */
export function independentKnocks(n: number, stages = 3): string {
  const out = ['/interface list', 'add name=WAN', '/interface list member', 'add list=WAN interface=ether1', '/ip firewall filter'];
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < stages; s++) {
      const port = 2000 + (((i * stages + s) * 7919) % 60000);
      const list = s === stages - 1 ? `ok_${i}` : `k${s + 1}_${i}`;
      const from = s === 0 ? '' : ` src-address-list=k${s}_${i}`;
      out.push(
        `add action=add-src-to-address-list address-list=${list} address-list-timeout=${s === stages - 1 ? '1h' : '20s'} chain=input dst-port=${port} in-interface-list=WAN protocol=tcp${from}`,
      );
    }
    out.push(`add action=accept chain=input dst-port=22 in-interface-list=WAN protocol=tcp src-address-list=ok_${i}`);
  }
  out.push('add action=drop chain=input in-interface-list=WAN');
  return out.join('\n') + '\n';
}

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
  internal: number;
  knocks: number;
}

/** Runs inside the child (plain node, ESM): prints one JSON line of ChildResult. */
const CHILD = `
import { readFileSync } from 'node:fs';
import { lint, parse, buildModel, findKnockSequences } from './lint.mjs';
const text = readFileSync(process.argv[2], 'utf8');
const runs = Number(process.argv[3]);
const warm = Number(process.argv[4] ?? 5);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
// [wall median, cpu median]
const medianOf = (n, fn) => {
  const wall = [], cpus = [];
  for (let i = 0; i < n; i++) { const c = cpu(); const t = performance.now(); fn(); wall.push(performance.now() - t); cpus.push(cpu() - c); }
  return [med(wall), med(cpus)];
};
for (let i = 0; i < warm; i++) lint(text);
const [totalMs, totalCpuMs] = medianOf(runs, () => lint(text));
const parsed = parse(text);
const [parseMs] = medianOf(runs, () => parse(text));
const [modelMs] = medianOf(runs, () => findKnockSequences(buildModel(parsed, text)));
const last = lint(text);
console.log(JSON.stringify({ totalMs, totalCpuMs, parseMs, modelMs, findings: last.findings.length, internal: last.findings.filter((f) => f.rule === 'internal-error').length, knocks: last.knocks.length }));
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
  let big: ChildResult | undefined;
  const knocks: Array<[number, ChildResult]> = [];
  let long: ChildResult | undefined;
  const child = (file: string, n: number, warm: number): ChildResult => {
    const r = spawnSync(process.execPath, [join(dir, 'child.mjs'), file, String(n), String(warm)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench child failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
  };
  try {
    await prepare(dir);
    c = child(LARGEST, runs, 5);
    if (existsSync(BIGGEST)) big = child(BIGGEST, runs, 5);
    // knock-sim-* scaling: independent 3-stage knocks (issue 15: 40/80/160/250 took 1.2/3.7/23/84 s)
    for (const n of [40, 80, 160, 250]) {
      const f = join(dir, `knocks-${n}.rsc`);
      writeFileSync(f, independentKnocks(n));
      knocks.push([n, child(f, 3, 1)]);
    }
    // one knock of 1,000 stages (issue 15: 108 s): 999 "too slow" knocks of 1,000 packets, through the per-port rule index
    const f = join(dir, 'knock-1000-stages.rsc');
    writeFileSync(f, independentKnocks(1, 1000));
    long = child(f, 1, 0);
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
    ...(big
      ? [
          { name: `largest corpus file (1.6 MB blocklist), lint warm, wall`, value: `${big.totalMs.toFixed(1)} ms median (CPU ${big.totalCpuMs.toFixed(1)} ms; parse ${big.parseMs.toFixed(1)}, model ${big.modelMs.toFixed(1)})`, target: '< 150 ms', ok: big.totalMs < 150 },
        ]
      : []),
    ...knocks.map(([n, k]) => ({
      name: `${n} independent 3-stage knocks (${k.knocks} found), lint warm, wall`,
      value: `${k.totalMs.toFixed(0)} ms (CPU ${k.totalCpuMs.toFixed(0)} ms), ${(k.totalCpuMs / n).toFixed(2)} ms CPU per knock`,
      ...(n === 250 ? { target: '< 1000 ms', ok: k.totalMs < 1000 } : {}),
    })),
    ...(long
      ? [
          {
            name: `one 1,000-stage knock (${long.knocks} found), lint cold, wall`,
            value: `${(long.totalMs / 1000).toFixed(1)} s (CPU ${(long.totalCpuMs / 1000).toFixed(1)} s), ${long.internal} internal errors`,
            target: '< 10 s',
            ok: long.totalMs < 10_000 && long.internal === 0,
          },
        ]
      : []),
    {
      name: 'knock scaling: CPU per knock at 250 / at 40 (1.0 = linear)',
      value: knocks.length === 4 ? (knocks[3][1].totalCpuMs / 250 / (knocks[0][1].totalCpuMs / 40)).toFixed(2) : 'n/a',
    },
  ];
}
