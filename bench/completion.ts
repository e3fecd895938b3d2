// Completion latency on the 4,875-line export (Defm__mikrobackups__rawconf_anna_latest.rsc from the
// corpus): the server keeps the parse of the current text, so a request costs the cursor scan, the
// menu lookup in the tree and the name index (built once per parse, measured separately).
// Run through bench/run.ts (`npm run bench`) or alone: node --conditions=import --import tsx bench/completion.ts
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../server/src/parser';
import { loadSchema } from '../server/src/schema';
import { completion } from '../server/src/features/completion';
import { positionAt } from '../server/src/features/textPos';

const FILE = join(__dirname, '..', '..', 'shared', 'corpus', 'files', 'Defm__mikrobackups__rawconf_anna_latest.rsc');

export interface CompletionBench {
  name: string;
  skipped?: string;
  lines?: number;
  /** First request on a fresh parse (builds the name index). */
  firstMs?: number;
  medianMs?: number;
  p95Ms?: number;
  maxMs?: number;
  requests?: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

export function run(): CompletionBench {
  const name = 'completion (4,875-line export)';
  if (!existsSync(FILE)) return { name, skipped: 'corpus not found' };
  const original = readFileSync(FILE, 'utf8');
  // Typing a new line among the firewall rules (the file uses the one-line `/ip firewall filter add` form).
  const at = original.indexOf('/ip firewall filter add');
  const insertAt = at >= 0 ? at : original.length;
  const probes = [
    '/ip firewall filter add ',
    '/ip firewall filter add action=',
    '/ip firewall filter add chain=input src-address-list=',
    '/ip firewall filter add chain=input in-interface-list=',
    '/ip firewall filter add chain=',
    '/ip firewall ',
    '/ip/firewall/fi',
    ':put $',
  ];
  const schema = loadSchema('7.22');
  const cases = probes.map((p) => {
    const text = original.slice(0, insertAt) + p + '\r\n' + original.slice(insertAt);
    return { text, parse: parse(text), position: positionAt(text, insertAt + p.length) };
  });
  const t0 = performance.now();
  completion(cases[0].text, cases[0].parse, cases[0].position, schema);
  const firstMs = performance.now() - t0;
  // Warm the name index of every case once, then measure steady-state requests.
  for (const c of cases) completion(c.text, c.parse, c.position, schema);
  const times: number[] = [];
  for (let round = 0; round < 25; round++) {
    for (const c of cases) {
      const s = performance.now();
      const items = completion(c.text, c.parse, c.position, schema);
      times.push(performance.now() - s);
      if (items.length === 0) throw new Error(`no completions for probe at ${c.position.line}:${c.position.character}`);
    }
  }
  times.sort((a, b) => a - b);
  const r3 = (n: number) => Math.round(n * 1000) / 1000;
  return {
    name,
    lines: original.split('\n').length,
    firstMs: r3(firstMs),
    medianMs: r3(percentile(times, 50)),
    p95Ms: r3(percentile(times, 95)),
    maxMs: r3(times[times.length - 1]),
    requests: times.length,
  };
}

if (require.main === module) console.log(run());
