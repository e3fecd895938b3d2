// What the other `.rsc` files of a workspace define: `:global` variables (so `undefined-variable` counts a global
// declared in another script as declared), and the definitions of address lists, chains, interface lists, layer7
// protocols, scripts and globals (workspace symbols, go to definition across files). Pure: the server feeds it
// file texts (from disk, or the editor's buffer while a file is open) and asks; it keeps only names and ranges per
// file, never trees, so its memory is proportional to the number of definitions.

import type { Location, Range as LspRange, SymbolInformation, SymbolKind } from 'vscode-languageserver-types';
import { parse } from '../parser';
import type { Schema } from '../schema';
import { indexNames, type NameKind } from './navigation';

interface Definition {
  kind: NameKind;
  name: string;
  key: string;
  range: LspRange;
  container?: string;
}

interface FileSummary {
  globals: Set<string>;
  /** Chains the file defines, as navigation keys (`chain ip filter from-wan`). */
  chains: Set<string>;
  defs: Definition[];
}

const KIND: Record<NameKind, SymbolKind> = {
  'address-list': 10 as SymbolKind, // Enum
  'interface-list': 10 as SymbolKind,
  chain: 6 as SymbolKind, // Method
  layer7: 15 as SymbolKind, // String
  script: 12 as SymbolKind, // Function
  variable: 13 as SymbolKind, // Variable
};

/** Files larger than this are not indexed (a huge export holds no globals worth the parse). */
export const WORKSPACE_MAX_FILE_BYTES = 4 * 1024 * 1024;

export class WorkspaceIndex {
  private readonly files = new Map<string, FileSummary>();

  constructor(private readonly schema: Schema) {}

  get size(): number {
    return this.files.size;
  }

  /** (Re)indexes one file. Returns true when the set of globals or chains it declares changed. */
  update(uri: string, text: string): boolean {
    const old = this.files.get(uri);
    const before = old?.globals;
    if (text.length > WORKSPACE_MAX_FILE_BYTES) {
      this.files.delete(uri);
      return (!!before && before.size > 0) || (!!old && old.chains.size > 0);
    }
    const p = parse(text);
    const idx = indexNames(p, this.schema, text);
    const globals = new Set<string>();
    const chains = new Set<string>();
    const defs: Definition[] = [];
    for (const o of idx.occurrences) {
      if (!o.def) continue;
      if (o.kind === 'chain') chains.add(o.key);
      if (o.kind === 'variable') {
        // Locals belong to their script; only globals are shared.
        if (!o.key.startsWith('variable global:')) continue;
        globals.add(o.name);
      }
      defs.push({ kind: o.kind, name: o.name, key: o.key, range: o.range, container: o.table ? `${o.family ?? 'ip'} ${o.table}` : o.family });
    }
    this.files.set(uri, { globals, chains, defs });
    return !sameSet(before, globals) || !sameSet(old?.chains, chains);
  }

  remove(uri: string): boolean {
    const had = this.files.get(uri);
    this.files.delete(uri);
    return !!had && (had.globals.size > 0 || had.chains.size > 0);
  }

  /** Chains defined by every indexed file but `uri` (keys `chain ip filter NAME`): `env.workspaceChains`. */
  chainsExcept(uri: string): Set<string> {
    const out = new Set<string>();
    for (const [u, f] of this.files) if (u !== uri) for (const c of f.chains) out.add(c);
    return out;
  }

  /** Globals declared by every indexed file but `uri`. */
  globalsExcept(uri: string): Set<string> {
    const out = new Set<string>();
    for (const [u, f] of this.files) if (u !== uri) for (const g of f.globals) out.add(g);
    return out;
  }

  /** Definitions of the name with this key (navigation's key: `address-list ip secured`, ...) outside `uri`. */
  definitions(key: string, exceptUri?: string): Location[] {
    const out: Location[] = [];
    for (const [u, f] of this.files) {
      if (u === exceptUri) continue;
      for (const d of f.defs) if (d.key === key) out.push({ uri: u, range: d.range });
    }
    return out;
  }

  /** Workspace symbols whose name contains `query` (case-insensitive; every definition for an empty query). */
  symbols(query: string, limit = 500): SymbolInformation[] {
    const q = query.toLowerCase();
    const out: SymbolInformation[] = [];
    const seen = new Set<string>();
    for (const [uri, f] of this.files) {
      for (const d of f.defs) {
        if (q && !d.name.toLowerCase().includes(q)) continue;
        // One symbol per name and file (an address list with 300 entries is one list).
        const id = `${uri}\u0000${d.key}`;
        if (seen.has(id)) continue;
        seen.add(id);
        out.push({ name: d.name, kind: KIND[d.kind], location: { uri, range: d.range }, containerName: d.container ? `${d.kind} (${d.container})` : d.kind });
        if (out.length >= limit) return out;
      }
    }
    return out;
  }
}

function sameSet(a: Set<string> | undefined, b: Set<string>): boolean {
  if (!a) return b.size === 0;
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
