// `rsc-lint map FILE [options]`: draws the firewall the file builds (features/firewallMap.ts + mapRender.ts) as a
// self-contained SVG, HTML page or Graphviz DOT, for documentation, reviews and CI artefacts, optionally with a packet
// trace on top.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { lint } from '../lint';
import { firewallMap, type MapTrace } from '../features/firewallMap';
import { layoutMap, renderDot, renderHtml, renderSvg } from '../features/mapRender';
import { mapTrace, TraceSpecError } from '../features/traceSpec';
import { CliError, type CliIO } from './io';
import { readScript } from './simulate';
import type { Subcommand } from './subcommands';

export const MAP_USAGE = `Usage: rsc-lint map FILE [options]

Draws the firewall FILE builds: each table's chains in hook order, rules as rows (the number print shows, action,
the matches that matter, comment), jumps as edges, rules marked unreachable / never matches / knock / final drop as
the checks prove, each knock as a path through its stages.

Options:
  -f, --format svg|html|dot   output format (default svg; html is a self-contained page with the trace)
      --table NAME            only this table: filter, nat, mangle or raw
      --trace SPEC            a packet on top: "tcp:22 from WAN", "udp:53 from 192.0.2.7", "knock" (the file's
                              first knock sequence) or "knock:N"
  -o, --output FILE           write there instead of standard output
  -h, --help                  show this help

Exit status: 0 written, 2 bad usage or unreadable FILE.

Example:
  rsc-lint map firewall.rsc --format html --trace knock -o firewall.html`;

interface MapArgs {
  file?: string;
  format: 'svg' | 'html' | 'dot';
  table?: string;
  trace?: string;
  output?: string;
  help: boolean;
}

const TABLES = new Set(['filter', 'nat', 'mangle', 'raw']);

export function parseMapArgs(argv: string[]): MapArgs {
  const a: MapArgs = { format: 'svg', help: false };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    const take = (): string => {
      if (eq > 0) return raw.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new CliError(`${name} needs a value (see rsc-lint map --help)`);
      return v;
    };
    switch (name) {
      case '-h':
      case '--help':
        a.help = true;
        break;
      case '-f':
      case '--format': {
        const f = take();
        if (f !== 'svg' && f !== 'html' && f !== 'dot') throw new CliError(`--format: "${f}" is not one of svg, html, dot`);
        a.format = f;
        break;
      }
      case '--table': {
        const t = take();
        if (!TABLES.has(t)) throw new CliError(`--table: "${t}" is not one of filter, nat, mangle, raw`);
        a.table = t;
        break;
      }
      case '--trace':
        a.trace = take();
        break;
      case '-o':
      case '--output':
        a.output = take();
        break;
      default:
        if (raw.startsWith('-') && raw !== '-') throw new CliError(`unknown option ${raw} (see rsc-lint map --help)`);
        if (a.file !== undefined) throw new CliError(`one FILE only (got ${a.file} and ${raw})`);
        a.file = raw;
    }
  }
  return a;
}

export async function runMapCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseMapArgs(argv);
  if (args.help) {
    io.out(`${MAP_USAGE}\n`);
    return 0;
  }
  if (!args.file) throw new CliError('rsc-lint map needs a FILE (see rsc-lint map --help)');
  const { text, display } = await readScript(args.file, io);
  const result = lint(text);
  const map = firewallMap(result, { table: args.table });
  let trace: MapTrace | undefined;
  if (args.trace) {
    try {
      trace = mapTrace(result, args.trace);
    } catch (e) {
      if (e instanceof TraceSpecError) throw new CliError(`--trace: ${e.message}`);
      throw e;
    }
  }
  if (map.tables.length === 0) io.err(`rsc-lint: ${display} builds no firewall${args.table ? ` ${args.table} table` : ''}: the map is empty\n`);
  const layout = layoutMap(map);
  const title = `Firewall map of ${path.basename(display)}`;
  const out =
    args.format === 'dot' ? renderDot(map) : args.format === 'html' ? renderHtml(map, layout, { title, trace }) : renderSvg(map, layout, { trace }) + '\n';
  if (args.output) {
    try {
      await fs.writeFile(path.resolve(io.cwd, args.output), out);
    } catch (e) {
      throw new CliError(`cannot write ${args.output}: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else io.out(out);
  return 0;
}

export const command: Subcommand = {
  name: 'map',
  summary: 'draw the firewall the file builds as SVG, HTML or Graphviz DOT, optionally with a packet trace',
  run: runMapCommand,
};
export default command;
