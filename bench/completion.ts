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

interface Row {
  name: string;
  value: string;
  target?: string;
  ok?: boolean;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

export function run(): Row[] {
  if (!existsSync(FILE)) return [{ name: 'completion', value: 'skipped: corpus not found' }];
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
  // After a keystroke the server has a new parse: the first request builds the name index and the
  // menu-change list for it. Shallow copies of the tree make those caches miss without re-parsing.
  // CPU time is reported beside wall time: on a shared, busy machine wall time mostly measures waiting.
  const fresh: number[] = [];
  const freshCpu: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const c of cases) {
      const copy = { ...c.parse, script: { ...c.parse.script } };
      const cpu = process.cpuUsage();
      const s = performance.now();
      completion(c.text, copy, c.position, schema);
      fresh.push(performance.now() - s);
      const u = process.cpuUsage(cpu);
      freshCpu.push((u.user + u.system) / 1000);
    }
  }
  // Further requests on the same parse (the client asks again as the user types within a word).
  for (const c of cases) completion(c.text, c.parse, c.position, schema);
  const times: number[] = [];
  let empty = 0;
  for (let round = 0; round < 25; round++) {
    for (const c of cases) {
      const s = performance.now();
      const items = completion(c.text, c.parse, c.position, schema);
      times.push(performance.now() - s);
      if (round === 0 && items.length === 0) empty++;
    }
  }
  fresh.sort((a, b) => a - b);
  freshCpu.sort((a, b) => a - b);
  times.sort((a, b) => a - b);
  const ms = (n: number) => `${n.toFixed(2)} ms`;
  const lines = original.split('\n').length;
  return [
    { name: `file`, value: `${lines} lines, ${probes.length} cursor contexts` },
    // Every context offers something in a healthy run (syntax errors in the tree show up here).
    { name: 'contexts with no items', value: `${empty}`, target: '0', ok: empty === 0 },
    { name: 'after an edit (new parse): median', value: ms(percentile(fresh, 50)), target: '20 ms', ok: percentile(fresh, 50) < 20 },
    { name: 'after an edit (new parse): p95', value: ms(percentile(fresh, 95)) },
    { name: 'after an edit (new parse): CPU median / p95', value: `${ms(percentile(freshCpu, 50))} / ${ms(percentile(freshCpu, 95))}` },
    { name: 'same parse: median', value: ms(percentile(times, 50)), target: '20 ms', ok: percentile(times, 50) < 20 },
    { name: 'same parse: p95', value: ms(percentile(times, 95)) },
  ];
}

if (require.main === module) console.log(run());
