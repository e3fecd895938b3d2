// `rsc-lint map` on every corpus file that builds a firewall: the map's own cost (map data + dagre layout + SVG)
// after the lint, per file, and the whole command (lint + map) for the slowest file. Target: under 1 s a file
// (issue 14). Skips without ../shared/corpus.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lint } from '../server/src/lint';
import { firewallMap } from '../server/src/features/firewallMap';
import { layoutMap, renderSvg } from '../server/src/features/mapRender';

const corpus = join(__dirname, '..', '..', 'shared', 'corpus', 'files');

export function run() {
  if (!existsSync(corpus)) return [{ name: 'map over the corpus', value: 'skipped (no ../shared/corpus)' }];
  const times: Array<{ file: string; map: number; total: number; rules: number }> = [];
  for (const f of readdirSync(corpus).sort()) {
    const text = readFileSync(join(corpus, f), 'latin1');
    const t0 = performance.now();
    const r = lint(text);
    if (r.model.tables.size === 0) continue;
    const t1 = performance.now();
    const m = firewallMap(r);
    renderSvg(m, layoutMap(m));
    const t2 = performance.now();
    let rules = 0;
    for (const t of r.model.tables.values()) rules += t.rules.length;
    times.push({ file: f, map: t2 - t1, total: t2 - t0, rules });
  }
  const sorted = [...times].sort((a, b) => a.total - b.total);
  const worst = sorted[sorted.length - 1];
  const median = sorted[Math.floor(sorted.length / 2)];
  const mapShare = times.reduce((s, x) => s + x.map, 0) / times.reduce((s, x) => s + x.total, 0);
  return [
    { name: 'files that build a firewall', value: `${times.length}` },
    { name: 'lint + map + SVG, median file', value: `${median.total.toFixed(1)} ms` },
    { name: 'lint + map + SVG, slowest file', value: `${worst.total.toFixed(0)} ms (${worst.file.slice(0, 40)}, ${worst.rules} rules)`, target: '< 1000 ms', ok: worst.total < 1000 },
    { name: "the map's share (data + layout + SVG)", value: `${(mapShare * 100).toFixed(0)}%` },
  ];
}
