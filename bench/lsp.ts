// Language-server latency (issue 4): the built server (dist/server.js) over stdio, as an editor talks
// to it. On the largest full /export of the corpus (4,875 lines): time from a didChange to the
// published diagnostics of that version, minus the server's fixed debounce (LINT_DELAY_MS), i.e. the
// server-side work plus JSON-RPC transport; and completion round trips while the parse is cached.
// Medians and p95 over many single-character edits, in one run.
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

/** change -> diagnostics on the 1.6 MB export: median, p95 (ms, minus the debounce) and the server's RSS. */
async function biggest(runs: number): Promise<Row[]> {
  if (!existsSync(BIGGEST)) return [];
  const text = readFileSync(BIGGEST, 'utf8');
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const c = new LspTestClient(['--stdio']);
  const uri = 'file:///bench/biggest.rsc';
  try {
    await c.initialize();
    let version = 1;
    await c.open(uri, text, version);
    await c.diagnosticsFor(uri, version, 120_000);
    const line = lines.length >> 1;
    const col = lines[line].length;
    const diag: number[] = [];
    for (let i = 0; i < runs + 3; i++) {
      const insert = i % 2 === 0;
      version++;
      const t = performance.now();
      await c.change(uri, version, [
        insert
          ? { range: { start: { line, character: col }, end: { line, character: col } }, text: ' ' }
          : { range: { start: { line, character: col }, end: { line, character: col + 1 } }, text: '' },
      ]);
      await c.diagnosticsFor(uri, version, 120_000);
      if (i >= 3) diag.push(performance.now() - t - LINT_DELAY_MS);
    }
    const rss = rssMB(c.proc.pid);
    const dMed = pct(diag, 0.5);
    const d95 = pct(diag, 0.95);
    return [
      { name: `1.6 MB export (${lines.length} lines): change -> diagnostics, minus ${LINT_DELAY_MS} ms debounce`, value: `median ${dMed.toFixed(1)} ms`, target: '< 100 ms', ok: dMed < 100 },
      { name: '  p95', value: `${d95.toFixed(1)} ms`, target: '< 200 ms', ok: d95 < 200 },
      {
        name: '  server memory after the edits (RSS, includes the heap)',
        value: rss === undefined ? 'n/a' : `${rss.toFixed(0)} MB`,
        ...(rss === undefined ? {} : { target: '< 150 MB', ok: rss < 150 }),
      },
    ];
  } finally {
    await c.close();
  }
}

interface Row {
  name: string;
  value: string;
  target?: string;
  ok?: boolean;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

export async function run(): Promise<Row[]> {
  if (!existsSync(LARGEST)) return [{ name: 'lsp', value: `skipped: ${LARGEST} not found` }];
  const text = readFileSync(LARGEST, 'utf8');
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const c = new LspTestClient(['--stdio']);
  const uri = 'file:///bench/anna.rsc';
  try {
    await c.initialize();
    let version = 1;
    await c.open(uri, text, version);
    await c.diagnosticsFor(uri, version, 60_000);
    // Edits: type one character at the end of a comment line near the middle, then delete it.
    const line = lines.findIndex((l) => l.startsWith('/ip firewall filter add ') && !l.endsWith('\\'));
    if (line < 0) return [{ name: 'lsp', value: 'skipped: no one-line firewall rule in the file' }];
    const col = lines[line].length;
    const runs = Number(process.env.BENCH_RUNS ?? 30);
    const diag: number[] = [];
    for (let i = 0; i < runs + 3; i++) {
      const insert = i % 2 === 0;
      version++;
      const t = performance.now();
      await c.change(uri, version, [
        insert
          ? { range: { start: { line, character: col }, end: { line, character: col } }, text: ' ' }
          : { range: { start: { line, character: col }, end: { line, character: col + 1 } }, text: '' },
      ]);
      await c.diagnosticsFor(uri, version, 60_000);
      if (i >= 3) diag.push(performance.now() - t - LINT_DELAY_MS);
    }
    // Completion of a property value on the same document (parse cached).
    const comp: number[] = [];
    const pos = { line, character: lines[line].indexOf('=') + 1 };
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await c.request('textDocument/completion', { textDocument: { uri }, position: pos });
      comp.push(performance.now() - t);
    }
    const dMed = pct(diag, 0.5);
    const d95 = pct(diag, 0.95);
    const cMed = pct(comp, 0.5);
    const big = await biggest(Math.min(runs, 12));
    return [
      ...big,
      { name: `change -> diagnostics (${lines.length} lines), minus ${LINT_DELAY_MS} ms debounce`, value: `median ${dMed.toFixed(1)} ms`, target: '< 50 ms', ok: dMed < 50 },
      { name: '  p95', value: `${d95.toFixed(1)} ms`, target: '< 100 ms', ok: d95 < 100 },
      { name: 'completion round trip', value: `median ${cMed.toFixed(1)} ms, p95 ${pct(comp, 0.95).toFixed(1)} ms`, target: '< 20 ms', ok: cMed < 20 },
    ];
  } finally {
    await c.close();
  }
}
