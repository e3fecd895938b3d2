// Lint benchmark (issue 3): the whole pipeline (parse, model, knock recognition, every check) on the
// largest full /export of the corpus, warm, median of several runs; plus the split between the stages
// so a regression points at its layer. CPU time of this process, as in bench/parser.ts.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lint } from '../server/src/lint';
import { parse } from '../server/src/parser/index';
import { buildModel, findKnockSequences } from '../server/src/model/index';

const root = process.env.REPO_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const LARGEST = join(root, '..', 'shared', 'corpus', 'files', 'Defm__mikrobackups__rawconf_anna_latest.rsc');

interface Row {
  name: string;
  value: string;
  target?: string;
  ok?: boolean;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function medianOf(runs: number, fn: () => void): number {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = cpuMs();
    fn();
    xs.push(cpuMs() - t);
  }
  xs.sort((a, b) => a - b);
  return xs[xs.length >> 1];
}

export function run(): Row[] {
  if (!existsSync(LARGEST)) return [{ name: 'lint', value: `skipped: ${LARGEST} not found` }];
  const text = readFileSync(LARGEST, 'utf8');
  for (let i = 0; i < 5; i++) lint(text);
  const runs = Number(process.env.BENCH_RUNS ?? 21);
  const total = medianOf(runs, () => lint(text));
  const parsed = parse(text);
  const parseMs = medianOf(runs, () => parse(text));
  const modelMs = medianOf(runs, () => findKnockSequences(buildModel(parsed, text)));
  const findings = lint(text).findings.length;
  return [
    { name: `largest export (${(text.length / 1000).toFixed(0)} KB, ${text.split('\n').length} lines)`, value: `${findings} findings` },
    { name: 'lint, whole pipeline', value: `${total.toFixed(1)} ms median`, target: '< 50 ms', ok: total < 50 },
    { name: '  of which parse', value: `${parseMs.toFixed(1)} ms` },
    { name: '  of which model + knocks', value: `${modelMs.toFixed(1)} ms` },
    { name: '  of which checks (rest)', value: `${Math.max(0, total - parseMs - modelMs).toFixed(1)} ms` },
  ];
}
