// `rsc-lint diff` (semantics/diff.ts + features/firewallDiff.ts): the largest corpus export against
// itself with one filter rule moved (target: under 200 ms for the joint space, both analyses, the
// comparison, witnesses and the grouped report; parse and model excluded), plus the same file against
// itself unchanged. Skipped when ../shared/corpus is absent. Medians through tsx; the target is held to
// CPU time (wall-clock beside it), which on an idle machine is the wall-clock time.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '../server/src/parser';
import { buildModel } from '../server/src/model';
import type { FirewallModel, Rule } from '../server/src/model/types';
import { firewallDiff } from '../server/src/features/firewallDiff';

interface Row {
  name: string;
  value: string;
  target?: string;
  ok?: boolean;
}

const root = process.env.REPO_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const LARGEST = join(root, '..', 'shared', 'corpus', 'files', 'Defm__mikrobackups__rawconf_anna_latest.rsc');

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Moves the filter table's rule at `from` one place down (a reordering, as a refactor would). */
function moveOne(model: FirewallModel, from: number): Rule | undefined {
  const t = model.tables.get('ip filter');
  if (!t || t.rules.length < from + 2) return undefined;
  const [r] = t.rules.splice(from, 1);
  t.rules.splice(from + 1, 0, r);
  return r;
}

export function run(): Row[] {
  if (!existsSync(LARGEST)) return [{ name: 'diff of the largest export', value: `skipped: ${LARGEST} not found` }];
  const runs = Number(process.env.BENCH_RUNS ?? 9);
  const text = readFileSync(LARGEST, 'utf8');
  const parsed = parse(text);
  const nRules = buildModel(parsed, text).tables.get('ip filter')?.rules.length ?? 0;
  const side = (name: string, model: FirewallModel) => ({ name, text, parse: parsed, model });
  const moved: number[] = [];
  const movedCpu: number[] = [];
  const same: number[] = [];
  let changes = -1;
  let complete = true;
  for (let i = 0; i < runs; i++) {
    const a = buildModel(parsed, text);
    const b = buildModel(parsed, text);
    moveOne(b, Math.floor(nRules / 2));
    let t = performance.now();
    const c0 = cpu();
    const r = firewallDiff(side('old', a), side('new', b));
    movedCpu.push(cpu() - c0);
    moved.push(performance.now() - t);
    changes = r.changes.length;
    complete &&= r.complete;
    const c = buildModel(parsed, text);
    const d = buildModel(parsed, text);
    t = performance.now();
    firewallDiff(side('old', c), side('new', d));
    same.push(performance.now() - t);
  }
  const m = median(moved);
  const mc = median(movedCpu);
  // held to CPU time: on the shared 2-core machine (load 20) wall-clock is several times CPU time
  return [
    {
      name: `largest export (${nRules} filter rules) vs itself with one rule moved`,
      value: `${m.toFixed(0)} ms median wall, CPU ${mc.toFixed(0)} ms; ${complete ? `${changes} change(s)` : 'INCOMPLETE'}`,
      target: '< 200 ms CPU',
      ok: mc < 200 && complete,
    },
    { name: '  vs itself unchanged', value: `${median(same).toFixed(0)} ms median` },
  ];
}
