// The one semantics (server/src/semantics): the reach analysis of a generated 2,000-rule filter table
// with 50 custom chains (target: under 1 s, compiling the matches included), and the engine's share
// of the lint of the largest corpus export (the analyses the checks read: reach, and reach ignoring
// drops for `stepCatches`, both families). Wall-clock medians through tsx, in this process.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '../server/src/parser';
import { buildModel } from '../server/src/model';
import type { FirewallModel } from '../server/src/model/types';
import { lint } from '../server/src/lint';
import { prng } from '../server/src/prng';
import { analyze } from '../server/src/semantics';

interface Row {
  name: string;
  value: string;
  target?: string;
  ok?: boolean;
}

const root = process.env.REPO_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const LARGEST = join(root, '..', 'shared', 'corpus', 'files', 'Defm__mikrobackups__rawconf_anna_latest.rsc');

/** A filter table of `rules` rules: input/forward dispatch by jumps into `chains` custom chains. */
export function generatedTable(rules: number, chains: number, seed = 7): string {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const lines = [
    '/interface list add name=WAN',
    '/interface list add name=LAN',
    '/interface list member add list=WAN interface=ether1',
    '/interface list member add list=LAN interface=bridge',
    '/ip firewall filter',
    'add chain=input action=accept connection-state=established,related,untracked',
    'add chain=input action=drop connection-state=invalid',
    'add chain=forward action=accept connection-state=established,related',
  ];
  const perChain = Math.floor((rules - 3 - 2 * chains) / chains);
  for (let c = 0; c < chains; c++) {
    const by = pick([
      `in-interface-list=${pick(['WAN', 'LAN'])}`,
      `protocol=tcp dst-port=${1000 + c * 10}-${1009 + c * 10}`,
      `src-address=10.${c}.0.0/16`,
      `protocol=udp`,
      `src-address-list=list${c % 7}`,
    ]);
    lines.push(`add chain=${c % 3 === 0 ? 'forward' : 'input'} action=jump jump-target=c${c} ${by}`);
  }
  for (let c = 0; c < chains; c++) {
    for (let i = 0; i < perChain; i++) {
      const conds: string[] = [];
      const proto = pick(['tcp', 'udp', '', 'tcp']);
      if (proto) conds.push(`protocol=${proto}`);
      if (proto && r() < 0.7) conds.push(`dst-port=${pick([`${Math.floor(r() * 65000)}`, `${Math.floor(r() * 6000)}-${6000 + Math.floor(r() * 6000)}`, '22,80,443', '!53'])}`);
      if (r() < 0.4) conds.push(`src-address=${r() < 0.2 ? '!' : ''}${Math.floor(r() * 223) + 1}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.0/24`);
      if (r() < 0.2) conds.push(`src-address-list=${r() < 0.3 ? '!' : ''}list${Math.floor(r() * 7)}`);
      if (r() < 0.2) conds.push(`in-interface-list=${r() < 0.3 ? '!' : ''}${pick(['WAN', 'LAN'])}`);
      if (r() < 0.15) conds.push(`connection-state=${pick(['new', 'established,related', '!invalid'])}`);
      const action = pick(['accept', 'drop', 'accept', 'reject', 'add-src-to-address-list address-list=seen address-list-timeout=1h', 'log', 'return']);
      lines.push(`add chain=c${c} action=${action} ${conds.join(' ')}`);
    }
    lines.push(`add chain=c${c} action=return`);
  }
  lines.push('add chain=input action=drop in-interface-list=WAN', 'add chain=forward action=drop in-interface-list=WAN');
  return lines.join('\n') + '\n';
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

/** The reach analysis of both families on a fresh model (matches compiled afresh). */
function engine(model: FirewallModel): void {
  for (const f of ['ip', 'ipv6'] as const) analyze(model, f);
}



export function run(): Row[] {
  const runs = Number(process.env.BENCH_RUNS ?? 7);
  const rows: Row[] = [];
  const text = generatedTable(2000, 50);
  const parsed = parse(text);
  const model = buildModel(parsed, text);
  const nRules = [...model.tables.values()].reduce((n, t) => n + t.rules.length, 0);
  const cold: number[] = [];
  const coldCpu: number[] = [];
  const warm: number[] = [];
  let cubes = 0;
  let work = 0;
  for (let i = 0; i < runs; i++) {
    const m = buildModel(parsed, text);
    const c0 = cpu();
    cold.push(time(() => analyze(m, 'ip')));
    coldCpu.push(cpu() - c0);
    warm.push(time(() => {
      const fr = analyze(m, 'ip');
      work = fr.work;
      cubes = 0;
      for (const t of m.tables.values()) for (const r of t.rules) cubes = Math.max(cubes, fr.rule(r)?.reach.cubes.length ?? 0);
    }));
  }
  const c = median(cold);
  rows.push({ name: `generated filter table (${nRules} rules, 50 custom chains): reach, cold`, value: `${c.toFixed(0)} ms median (CPU ${median(coldCpu).toFixed(0)} ms)`, target: '< 1000 ms', ok: c < 1000 });
  rows.push({ name: '  warm (matches compiled)', value: `${median(warm).toFixed(0)} ms median; largest reach set ${cubes} cubes; ${work} cube splits` });

  if (existsSync(LARGEST)) {
    const big = readFileSync(LARGEST, 'utf8');
    for (let i = 0; i < 5; i++) lint(big);
    const cpuOf = (fn: () => void) => {
      const c = cpu();
      fn();
      return cpu() - c;
    };
    const lintCpu = median(Array.from({ length: 15 }, () => cpuOf(() => lint(big))));
    const p = parse(big);
    const engCpu = median(Array.from({ length: 15 }, () => {
      const m = buildModel(p, big);
      return cpuOf(() => engine(m));
    }));
    rows.push({ name: 'largest export: lint (tsx sources), CPU', value: `${lintCpu.toFixed(1)} ms median (its checks ask the engine nothing: no knocks)` });
    rows.push({ name: '  reachOf ip + ipv6 on it (cold), CPU', value: `${engCpu.toFixed(1)} ms median (what a check reading reach sets adds to that lint)` });
  } else rows.push({ name: 'largest export', value: `skipped: ${LARGEST} not found` });
  return rows;
}
