// Language-server latency (issues 4 and 15): the built server (dist/server.js) over stdio, as an editor
// talks to it. Time from a didChange to the published diagnostics of that version, minus the server's
// fixed debounce (LINT_DELAY_MS), i.e. the server-side work plus JSON-RPC transport; the server's CPU time
// per edit (/proc, user + system, all its threads) beside it; and completion round trips.
//
// Two kinds of edit, on the largest full /export of the corpus (4,875 lines) and on the largest corpus
// file (1.6 MB address-list export): a blank typed and deleted at the end of a line (the commands stay
// the same: the incremental lint reuses the checks' findings), and a character typed and deleted inside
// a command's value (the command changes: its lines are parsed again, the model rebuilt, every check
// runs). Each is measured with the incremental parse and lint (what ships) and, in the same run, with
// ROUTEROS_LSP_INCREMENTAL=0 (a whole-file parse and lint on every version: the baseline), so the ratio
// is meaningful on a shared, noisy machine. Targets apply to the shipped mode.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LspTestClient, repoRoot } from '../test/lsp/lspClient';
import { LINT_DELAY_MS } from '../server/src/server';

const LARGEST = join(repoRoot, '..', 'shared', 'corpus', 'files', 'Defm__mikrobackups__rawconf_anna_latest.rsc');
/** The largest corpus file (1.6 MB blocklist export), issue 15. */
const BIGGEST = join(repoRoot, '..', 'shared', 'corpus', 'files', 'ycg31__routeros-exports__ipfirewall__turris__turris_sentinel-ipv4-all.rsc');

/** Resident memory of a process (Linux /proc), MB; undefined elsewhere. */
function rssMB(pid: number | undefined): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process used so far, ms (Linux /proc); undefined elsewhere. */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields 14 and 15 of stat (utime, stime) in clock ticks; after the ")" they are at 11 and 12
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

interface Row {
  name: string;
  value: string;
  target?: string;
  ok?: boolean;
}

interface Loop {
  median: number;
  p95: number;
  /** Server CPU per edit, ms. */
  cpu: number | undefined;
  rss: number | undefined;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

/**
 * Opens `text`, then types `insert` at (line, col) and deletes it again, `runs` times each way after 3
 * warm-up edits; change -> diagnostics minus the debounce per edit.
 */
async function editLoop(text: string, line: number, col: number, insert: string, runs: number, incremental: boolean): Promise<Loop> {
  const prev = process.env.ROUTEROS_LSP_INCREMENTAL;
  process.env.ROUTEROS_LSP_INCREMENTAL = incremental ? '1' : '0';
  const c = new LspTestClient(['--stdio']);
  if (prev === undefined) delete process.env.ROUTEROS_LSP_INCREMENTAL;
  else process.env.ROUTEROS_LSP_INCREMENTAL = prev;
  const uri = 'file:///bench/edit.rsc';
  try {
    await c.initialize();
    let version = 1;
    await c.open(uri, text, version);
    await c.diagnosticsFor(uri, version, 120_000);
    const diag: number[] = [];
    let cpu0: number | undefined;
    for (let i = 0; i < runs + 3; i++) {
      if (i === 3) cpu0 = cpuMs(c.proc.pid);
      const typing = i % 2 === 0;
      version++;
      const t = performance.now();
      await c.change(uri, version, [
        typing
          ? { range: { start: { line, character: col }, end: { line, character: col } }, text: insert }
          : { range: { start: { line, character: col }, end: { line, character: col + insert.length } }, text: '' },
      ]);
      await c.diagnosticsFor(uri, version, 120_000);
      if (i >= 3) diag.push(performance.now() - t - LINT_DELAY_MS);
    }
    const cpu1 = cpuMs(c.proc.pid);
    return {
      median: pct(diag, 0.5),
      p95: pct(diag, 0.95),
      cpu: cpu0 === undefined || cpu1 === undefined ? undefined : (cpu1 - cpu0) / runs,
      rss: rssMB(c.proc.pid),
    };
  } finally {
    await c.close();
  }
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
const cpuText = (l: Loop) => (l.cpu === undefined ? '' : `, server CPU ${l.cpu.toFixed(0)} ms/edit`);

/** Rows for one file and one kind of edit: shipped (incremental) against the baseline, in one run. */
async function compare(
  label: string,
  text: string,
  line: number,
  col: number,
  insert: string,
  runs: number,
  targets?: { median: number; p95: number; rss?: number },
): Promise<Row[]> {
  const base = await editLoop(text, line, col, insert, runs, false);
  const inc = await editLoop(text, line, col, insert, runs, true);
  const rows: Row[] = [
    {
      name: `${label}: change -> diagnostics, minus ${LINT_DELAY_MS} ms debounce`,
      value: `median ${ms(inc.median)}${cpuText(inc)}`,
      ...(targets ? { target: `< ${targets.median} ms`, ok: inc.median < targets.median } : {}),
    },
    { name: '  p95', value: ms(inc.p95), ...(targets ? { target: `< ${targets.p95} ms`, ok: inc.p95 < targets.p95 } : {}) },
    {
      name: '  baseline, whole-file parse and lint (ROUTEROS_LSP_INCREMENTAL=0)',
      value: `median ${ms(base.median)}, p95 ${ms(base.p95)}${cpuText(base)}`,
    },
    {
      name: '  incremental / baseline',
      value: `median ${(inc.median / base.median).toFixed(2)}x${inc.cpu !== undefined && base.cpu ? `, CPU ${(inc.cpu / base.cpu).toFixed(2)}x` : ''}`,
    },
  ];
  if (targets?.rss !== undefined) {
    rows.push({
      name: '  server memory after the edits (RSS, includes the heap)',
      value: inc.rss === undefined ? 'n/a' : `${inc.rss.toFixed(0)} MB (baseline ${base.rss?.toFixed(0) ?? 'n/a'} MB)`,
      ...(inc.rss === undefined ? {} : { target: `< ${targets.rss} MB`, ok: inc.rss < targets.rss }),
    });
  }
  return rows;
}

/** A line of `lines` and the column inside a command's value (after `needle`). */
function insideValue(lines: string[], from: number, needle: string): { line: number; col: number } | undefined {
  for (let l = from; l < lines.length; l++) {
    const i = lines[l].indexOf(needle);
    if (i >= 0) return { line: l, col: i + needle.length };
  }
  return undefined;
}

/**
 * Typing latency per key: a character typed inside a value, then completion at the cursor at once (before
 * the debounced lint: the server parses the new version for it), round trip per key.
 */
async function typing(text: string, line: number, col: number, runs: number, incremental: boolean): Promise<{ median: number; cpu: number | undefined }> {
  const prev = process.env.ROUTEROS_LSP_INCREMENTAL;
  process.env.ROUTEROS_LSP_INCREMENTAL = incremental ? '1' : '0';
  const c = new LspTestClient(['--stdio']);
  if (prev === undefined) delete process.env.ROUTEROS_LSP_INCREMENTAL;
  else process.env.ROUTEROS_LSP_INCREMENTAL = prev;
  const uri = 'file:///bench/typing.rsc';
  try {
    await c.initialize();
    let version = 1;
    await c.open(uri, text, version);
    await c.diagnosticsFor(uri, version, 120_000);
    const times: number[] = [];
    let cpu0: number | undefined;
    for (let i = 0; i < runs + 3; i++) {
      if (i === 3) cpu0 = cpuMs(c.proc.pid);
      version++;
      const at = col + i;
      const t = performance.now();
      await c.change(uri, version, [{ range: { start: { line, character: at }, end: { line, character: at } }, text: 'x' }]);
      await c.request('textDocument/completion', { textDocument: { uri }, position: { line, character: at + 1 } });
      if (i >= 3) times.push(performance.now() - t);
    }
    const cpu1 = cpuMs(c.proc.pid);
    return { median: pct(times, 0.5), cpu: cpu0 === undefined || cpu1 === undefined ? undefined : (cpu1 - cpu0) / runs };
  } finally {
    await c.close();
  }
}

async function biggest(runs: number): Promise<Row[]> {
  if (!existsSync(BIGGEST)) return [];
  const text = readFileSync(BIGGEST, 'utf8');
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const line = lines.length >> 1;
  const label = `1.6 MB export (${lines.length} lines)`;
  const rows = await compare(`${label}, a blank at a line end`, text, line, lines[line].length, ' ', runs, { median: 100, p95: 200, rss: 150 });
  const inside = insideValue(lines, line, 'comment="');
  if (inside) {
    rows.push(...(await compare(`${label}, a character inside a value`, text, inside.line, inside.col, 'x', runs)));
    const base = await typing(text, inside.line, inside.col, runs, false);
    const inc = await typing(text, inside.line, inside.col, runs, true);
    const cpu = (x: { cpu: number | undefined }) => (x.cpu === undefined ? '' : `, server CPU ${x.cpu.toFixed(0)} ms/key`);
    rows.push({
      name: `${label}: typing, a key then completion at once (round trip per key)`,
      value: `median ${ms(inc.median)}${cpu(inc)}; baseline ${ms(base.median)}${cpu(base)}`,
    });
  }
  return rows;
}

export async function run(): Promise<Row[]> {
  if (!existsSync(LARGEST)) return [{ name: 'lsp', value: `skipped: ${LARGEST} not found` }];
  const text = readFileSync(LARGEST, 'utf8');
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const runs = Number(process.env.BENCH_RUNS ?? 30);
  // Edits: type one character at the end of a one-line firewall rule near the top, then delete it.
  const line = lines.findIndex((l) => l.startsWith('/ip firewall filter add ') && !l.endsWith('\\'));
  if (line < 0) return [{ name: 'lsp', value: 'skipped: no one-line firewall rule in the file' }];
  const label = `${lines.length}-line export`;
  const rows = await compare(`${label}, a blank at a line end`, text, line, lines[line].length, ' ', runs, { median: 50, p95: 100 });
  const inside = insideValue(lines, line, 'comment="');
  if (inside) rows.push(...(await compare(`${label}, a character inside a value`, text, inside.line, inside.col, 'x', runs)));

  // Completion of a property value on the same document (parse cached).
  const c = new LspTestClient(['--stdio']);
  const uri = 'file:///bench/anna.rsc';
  const comp: number[] = [];
  try {
    await c.initialize();
    await c.open(uri, text, 1);
    await c.diagnosticsFor(uri, 1, 60_000);
    const pos = { line, character: lines[line].indexOf('=') + 1 };
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await c.request('textDocument/completion', { textDocument: { uri }, position: pos });
      comp.push(performance.now() - t);
    }
  } finally {
    await c.close();
  }
  const cMed = pct(comp, 0.5);
  const big = await biggest(Math.min(runs, 12));
  return [
    ...big,
    ...rows,
    { name: 'completion round trip', value: `median ${cMed.toFixed(1)} ms, p95 ${pct(comp, 0.95).toFixed(1)} ms`, target: '< 20 ms', ok: cMed < 20 },
  ];
}
