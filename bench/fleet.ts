// Fleet benchmark (issue 15, part 1): `rsc-lint` as CI runs it on thousands of exports.
//
// A fleet of N copies of the corpus files (hard links in a temp folder, generated here from
// ../shared/corpus; skipped with a message when it is absent) is linted by the BUILT CLI (dist/cli.js,
// plain node, output to /dev/null) with --jobs 1 and --jobs 2:
// - throughput (files per wall-clock second) and its ratio, --jobs 2 over --jobs 1 (target >= 1.7);
// - peak RSS of the process (all threads: the main thread and the workers) for 2,000 and 10,000 files
//   (target < 300 MB, and not growing with the fleet);
// - CPU seconds (user + system) beside each, and the load average: the machine is shared, and a wall
//   ratio measured while other processes hold the cores says more about them than about rsc-lint.
// Plus the cold start: `rsc-lint` on one small file, wall clock including Node's start (target < 200 ms),
// beside bare `node -e 0` on the same machine at the same moment.
// RSC_BENCH_FLEET_LARGE=0 skips the 10,000-file run (several minutes on a loaded 2-core machine).
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.env.REPO_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = join(root, '..', 'shared', 'corpus', 'files');
const CLI = join(root, 'dist', 'cli.js');
/** What users run: the bin script loads dist/cli.js with its V8 code cache. */
const BIN = join(root, 'bin', 'rsc-lint.js');
const TIME = '/usr/bin/time';

interface Row {
  name: string;
  value: string;
  target?: string;
  ok?: boolean;
}

interface Measured {
  wallS: number;
  cpuS: number;
  rssMb: number;
  code: number | null;
}

/** Runs node with args; wall, CPU and peak RSS from GNU time (or wall only without it). */
function measure(args: string[], cwd: string): Measured {
  const out = join(tmpdir(), `rsc-bench-time-${process.pid}.txt`);
  if (existsSync(TIME)) {
    const r = spawnSync(TIME, ['-o', out, '-f', '%e %U %S %M', process.execPath, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const [e, u, s, m] = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    rmSync(out, { force: true });
    return { wallS: e, cpuS: u + s, rssMb: m / 1024, code: r.status };
  }
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, stdio: 'ignore' });
  return { wallS: Number(process.hrtime.bigint() - t0) / 1e9, cpuS: NaN, rssMb: NaN, code: r.status };
}

function makeFleet(n: number): string {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.rsc')).sort();
  const dir = mkdtempSync(join(tmpdir(), `rsc-fleet-${n}-`));
  for (let i = 0; i < n; i++) {
    const copy = Math.floor(i / files.length);
    const sub = join(dir, `copy${String(copy).padStart(3, '0')}`);
    if (i % files.length === 0) mkdirSync(sub);
    linkSync(join(CORPUS, files[i % files.length]), join(sub, files[i % files.length]));
  }
  return dir;
}

const f1 = (x: number) => x.toFixed(1);

export async function run(): Promise<Row[]> {
  if (!existsSync(CORPUS)) {
    console.log(`fleet: ${CORPUS} is absent, skipped`);
    return [{ name: 'fleet', value: 'skipped (no ../shared/corpus)' }];
  }
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: npm run build');
  const rows: Row[] = [];
  const load = () => loadavg()[0].toFixed(1);

  const small = mkdtempSync(join(tmpdir(), 'rsc-cold-'));
  writeFileSync(join(small, 'a.rsc'), '/ip firewall filter\nadd chain=input action=accept protocol=icmp comment="ping"\n');
  const cold: number[] = [];
  const bare: number[] = [];
  const coldCpu: number[] = [];
  const plainCpu: number[] = [];
  for (let i = 0; i < 9; i++) {
    bare.push(measure(['-e', '0'], small).wallS * 1000);
    const c = measure([BIN, 'a.rsc'], small);
    cold.push(c.wallS * 1000);
    coldCpu.push(c.cpuS * 1000);
    plainCpu.push(measure([CLI, 'a.rsc'], small).cpuS * 1000);
  }
  rmSync(small, { recursive: true, force: true });
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  rows.push({ name: 'cold rsc-lint, one small file (median of 9, wall)', value: `${med(cold).toFixed(0)} ms`, target: '< 200 ms', ok: med(cold) < 200 });
  rows.push({ name: 'bare node -e 0 (same moment, for reference)', value: `${med(bare).toFixed(0)} ms` });
  rows.push({ name: 'cold CPU: bin (V8 code cache) vs dist/cli.js', value: `${med(coldCpu).toFixed(0)} ms vs ${med(plainCpu).toFixed(0)} ms` });

  const sizes = process.env.RSC_BENCH_FLEET_LARGE === '0' ? [2000] : [2000, 10000];
  const rss: Record<number, number> = {};
  for (const n of sizes) {
    const dir = makeFleet(n);
    try {
      if (n === 2000) {
        const l1 = load();
        const j1 = measure([CLI, '--jobs', '1', '--no-progress', '.'], dir);
        const j2 = measure([CLI, '--jobs', '2', '--no-progress', '.'], dir);
        const t1 = n / j1.wallS;
        const t2 = n / j2.wallS;
        rows.push({ name: `fleet ${n}, --jobs 1`, value: `${f1(t1)} files/s (${f1(j1.wallS)} s wall, ${f1(j1.cpuS)} s CPU, ${f1(j1.rssMb)} MB peak)` });
        rows.push({ name: `fleet ${n}, --jobs 2`, value: `${f1(t2)} files/s (${f1(j2.wallS)} s wall, ${f1(j2.cpuS)} s CPU, ${f1(j2.rssMb)} MB peak)` });
        rows.push({ name: '--jobs 2 / --jobs 1 throughput', value: `${(t2 / t1).toFixed(2)}x (load average ${l1} -> ${load()} on ${'2'} cores)`, target: '>= 1.7x', ok: t2 / t1 >= 1.7 });
        rss[n] = j2.rssMb;
        if (j1.code !== 1 || j2.code !== 1) rows.push({ name: 'exit status', value: `${j1.code}/${j2.code}, expected 1/1 (the corpus has errors)`, ok: false });
      } else {
        const j2 = measure([CLI, '--jobs', '2', '--no-progress', '.'], dir);
        rows.push({ name: `fleet ${n}, --jobs 2`, value: `${f1(n / j2.wallS)} files/s (${f1(j2.wallS)} s wall, ${f1(j2.cpuS)} s CPU, ${f1(j2.rssMb)} MB peak)` });
        rss[n] = j2.rssMb;
      }
      rows.push({ name: `peak RSS, ${n} files, --jobs 2 (all threads)`, value: `${f1(rss[n])} MB`, target: '< 300 MB', ok: rss[n] < 300 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (rss[10000] !== undefined) {
    const growth = rss[10000] / rss[2000];
    rows.push({ name: 'peak RSS 10,000 / 2,000 files', value: `${growth.toFixed(2)}x`, target: '<= 1.15x (bounded)', ok: growth <= 1.15 });
  }
  return rows;
}
