// Turns the RouterOS command trees crawled from routers (/work/shared/routeros-schema/versions,
// tikoci/restraml, Unlicense) into the one compact table the extension ships:
// server/src/schema/routeros.json (format: server/src/schema/format.ts).
//
//   npx tsx scripts/gen-schema.ts            write the table
//   npx tsx scripts/gen-schema.ts --check    exit 1 when the committed table differs from a fresh one
//   SCHEMA_SRC=/path/to/routeros-schema      input folder (default: ../shared/routeros-schema)
//
// Input: versions/INDEX.tsv lists one tree per RouterOS minor (7.9.2 .. 7.24, base package) and the
// extra packages' trees beside them (`<version>.extra.inspect.json.gz`: wireless, caps-man, container,
// iot, user-manager, ...). Every menu, command and argument of any of them goes into the table with
// the set of versions that have it (a bitmask over `versions`); items only the extra packages have are
// marked as such. Per argument: the router's value-type text (`desc`, newest version's; older texts
// that differ are kept with their versions), the type parsed from it (time range, integer range, IP,
// prefix, MAC, string length, `a|b|c` enum), the values the router offers (`_completion` of the
// 7.22.3 crawl, else 7.21.5: the only crawls that have them; `dir` style file names dropped), whether
// the value may be negated (`!`) or is a list (`,`), and whether those values are the complete set
// (yes/no, or the type text's own enum). Per menu, the property descriptions the router gives in
// `get value-name` completions. Renames: an item that went away in a version while one with the same
// content appeared there under another name.

import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArgSpec, CommandRef, CompactSchema, EnumValue, MenuEntry, RenameEntry, ValueType } from '../server/src/schema/format';
import { FLAG_CLOSED, FLAG_LIST, FLAG_NEGATABLE, FLAG_PACKAGE, SCHEMA_FORMAT } from '../server/src/schema/format';
import { parseDesc } from '../server/src/schema/valueTypes';
import { editDistance } from '../server/src/editDistance';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface RawNode {
  _type?: string;
  desc?: string;
  _completion?: Record<string, { style?: string; preference?: number; desc?: string }>;
  [key: string]: unknown;
}

/** Arguments whose completions are property names of the menu (descriptions harvested, list dropped). */
const PROPERTY_LIST_ARGS = new Set(['value-name', 'proplist', 'group-by']);
/** Completion styles that are not values: `dir` = file browser entries. */
const DROPPED_STYLES = new Set(['dir']);

function children(node: RawNode): Array<[string, RawNode]> {
  const out: Array<[string, RawNode]> = [];
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('_') || k === 'desc' || v === null || typeof v !== 'object') continue;
    out.push([k, v as RawNode]);
  }
  return out;
}

const isMenu = (n: RawNode) => n._type === 'dir' || n._type === 'path';
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface Completion {
  values: Array<{ value: string; desc?: string }>;
  negatable: boolean;
  list: boolean;
  /** Exactly yes/no offered as keywords. */
  boolean: boolean;
}
interface ArgData {
  base: number;
  extra: number;
  /** desc text per version index ('' = none). */
  descs: string[];
  completion?: Completion;
}
interface CmdData {
  base: number;
  extra: number;
  args: Map<string, ArgData>;
}
interface MenuData {
  base: number;
  extra: number;
  commands: Map<string, CmdData>;
  props: Map<string, string>;
}

function completionOf(arg: RawNode, menu: MenuData, argName: string): Completion | undefined {
  const c = arg._completion;
  if (!c) return undefined;
  if (PROPERTY_LIST_ARGS.has(argName)) {
    for (const [prop, v] of Object.entries(c)) if (v.desc && !menu.props.has(prop)) menu.props.set(prop, v.desc.trim());
    return undefined;
  }
  const out: Completion = { values: [], negatable: false, list: false, boolean: false };
  const styles = new Set<string>();
  for (const [value, v] of Object.entries(c)) {
    if (v.style === 'syntax-meta') {
      if (value === '!') out.negatable = true;
      else if (value === ',') out.list = true;
      continue;
    }
    if (v.style && DROPPED_STYLES.has(v.style)) continue;
    styles.add(v.style ?? '');
    out.values.push(v.desc ? { value, desc: v.desc.trim() } : { value });
  }
  out.boolean = styles.size === 1 && styles.has('arg') && out.values.map((v) => v.value).sort().join(',') === 'no,yes';
  return out;
}

class Collector {
  readonly menus = new Map<string, MenuData>();
  constructor(private readonly nVersions: number) {}

  add(tree: RawNode, vi: number, extra: boolean, withCompletions: boolean): void {
    const bit = 1 << vi;
    const visit = (node: RawNode, path: string[]) => {
      const key = path.join(' ');
      let menu = this.menus.get(key);
      if (!menu) this.menus.set(key, (menu = { base: 0, extra: 0, commands: new Map(), props: new Map() }));
      if (extra) menu.extra |= bit;
      else menu.base |= bit;
      for (const [name, child] of children(node)) {
        if (isMenu(child)) {
          visit(child, [...path, name]);
          continue;
        }
        if (child._type !== 'cmd') continue;
        let cmd = menu.commands.get(name);
        if (!cmd) menu.commands.set(name, (cmd = { base: 0, extra: 0, args: new Map() }));
        if (extra) cmd.extra |= bit;
        else cmd.base |= bit;
        for (const [argName, arg] of children(child)) {
          if (arg._type !== 'arg') continue;
          let a = cmd.args.get(argName);
          if (!a) cmd.args.set(argName, (a = { base: 0, extra: 0, descs: new Array<string>(this.nVersions).fill('') }));
          if (extra) a.extra |= bit;
          else a.base |= bit;
          if (typeof arg.desc === 'string' && arg.desc.trim() && !a.descs[vi]) a.descs[vi] = arg.desc.replace(/\s+/g, ' ').trim();
          if (withCompletions && !a.completion) {
            const c = completionOf(arg, menu, argName);
            if (c) a.completion = c;
          }
        }
      }
    };
    visit(tree, []);
  }
}

interface Row {
  version: string;
  file: string;
  kind: string;
}

function readIndex(dir: string): Row[] {
  const lines = readFileSync(join(dir, 'INDEX.tsv'), 'utf8').trim().split('\n');
  const head = lines[0].split('\t');
  const col = (n: string) => head.indexOf(n);
  return lines.slice(1).map((l) => {
    const c = l.split('\t');
    return { version: c[col('version')], file: c[col('file')], kind: c[col('kind')] };
  });
}

const readGz = (f: string) => JSON.parse(gunzipSync(readFileSync(f)).toString('utf8')) as RawNode;

/** Mask over all versions: stored as 0. */
function maskOut(mask: number, all: number): number {
  return mask === all ? 0 : mask;
}

function encode(versions: string[], completionsFrom: string[], col: Collector): CompactSchema {
  const all = (1 << versions.length) - 1;
  const strings: string[] = [];
  const stringIdx = new Map<string, number>();
  const str = (s: string) => {
    let i = stringIdx.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      stringIdx.set(s, i);
    }
    return i;
  };
  const enums: EnumValue[][] = [];
  const enumIdx = new Map<string, number>();
  const args: ArgSpec[] = [];
  const argIdx = new Map<string, number>();
  const argsets: number[][] = [];
  const argsetIdx = new Map<string, number>();
  const types: Record<string, ValueType> = {};
  const intern = <T>(list: T[], index: Map<string, number>, item: T) => {
    const key = JSON.stringify(item);
    let i = index.get(key);
    if (i === undefined) {
      i = list.length;
      list.push(item);
      index.set(key, i);
    }
    return i;
  };
  const descRef = (d: string) => {
    const i = str(d);
    if (!(i in types)) {
      const t = parseDesc(d);
      let vt: ValueType;
      switch (t.kind) {
        case 'time':
          vt = ['time', t.min, t.max];
          break;
        case 'int':
          vt = ['int', t.min, t.max];
          break;
        case 'str':
        case 'hex':
          vt = [t.kind, t.min, t.max];
          break;
        case 'enum':
          vt = ['enum', intern(enums, enumIdx, t.values), t.list ? 1 : 0];
          break;
        default:
          vt = [t.kind];
      }
      types[i] = vt;
    }
    return i;
  };

  const out: CompactSchema = {
    format: SCHEMA_FORMAT,
    versions,
    completionsFrom,
    strings,
    types,
    enums,
    args,
    argsets,
    menus: [],
    renames: [],
  };
  for (const path of [...col.menus.keys()].sort(byName)) {
    const menu = col.menus.get(path)!;
    const cmds: Record<string, CommandRef> = {};
    for (const name of [...menu.commands.keys()].sort(byName)) {
      const cmd = menu.commands.get(name)!;
      const set: number[] = [];
      for (const argName of [...cmd.args.keys()].sort(byName)) {
        const a = cmd.args.get(argName)!;
        const mask = a.base | a.extra;
        // Newest desc, then older ones that differ (with the versions that have them).
        let newest = '';
        for (let i = versions.length - 1; i >= 0; i--) if (a.descs[i]) {
          newest = a.descs[i];
          break;
        }
        const alt = new Map<string, number>();
        for (let i = 0; i < versions.length; i++) {
          const d = a.descs[i];
          if ((mask & (1 << i)) === 0 || d === newest || d === '') continue;
          alt.set(d, (alt.get(d) ?? 0) | (1 << i));
        }
        const c = a.completion;
        let flags = (c?.negatable ? FLAG_NEGATABLE : 0) | (c?.list ? FLAG_LIST : 0) | (a.base === 0 ? FLAG_PACKAGE : 0);
        if (c?.boolean) flags |= FLAG_CLOSED;
        const en =
          c && c.values.length > 0
            ? intern(enums, enumIdx, c.values.map((v): EnumValue => (v.desc ? [v.value, str(v.desc)] : v.value)))
            : -1;
        const desc = newest ? descRef(newest) : -1;
        const altOut: Array<[number, number]> = [...alt].map(([d, m]) => [d ? descRef(d) : -1, m]);
        const m = maskOut(mask, all);
        let spec: ArgSpec;
        if (desc < 0 && en < 0 && flags === 0 && m === 0 && altOut.length === 0) spec = argName;
        else if (altOut.length) spec = [argName, desc, en, flags, m, altOut];
        else if (m) spec = [argName, desc, en, flags, m];
        else if (flags) spec = [argName, desc, en, flags];
        else if (en >= 0) spec = [argName, desc, en];
        else spec = [argName, desc];
        set.push(intern(args, argIdx, spec));
      }
      const setI = intern(argsets, argsetIdx, set);
      const cm = maskOut(cmd.base | cmd.extra, all);
      cmds[name] = cm ? [setI, cm] : setI;
    }
    const props: Record<string, number> = {};
    for (const p of [...menu.props.keys()].sort(byName)) props[p] = str(menu.props.get(p)!);
    const mm = maskOut(menu.base | menu.extra, all);
    const entry: MenuEntry = [path, cmds, props];
    if (mm || menu.base === 0) entry.push(mm);
    if (menu.base === 0) entry.push(1);
    out.menus.push(entry);
  }
  out.renames = findRenames(versions, col);
  return out;
}

/**
 * Plain renames: at version i an item went away (present in i-1, absent from i on) while exactly one
 * sibling appeared at i (absent before, present from i on) with the same content: for menus the same
 * command names, for arguments the same value type text. Only unambiguous pairs are kept.
 */
function findRenames(versions: string[], col: Collector): RenameEntry[] {
  const out: RenameEntry[] = [];
  const n = versions.length;
  const goneAt = (mask: number): number => {
    // the single version where presence ends for good (present before, absent from there to the end)
    for (let i = 1; i < n; i++) {
      const after = mask >> i;
      if ((mask & (1 << (i - 1))) && after === 0) return i;
    }
    return -1;
  };
  const cameAt = (mask: number): number => {
    for (let i = 1; i < n; i++) {
      const full = ((1 << n) - 1) & ~((1 << i) - 1);
      if ((mask & full) === full && (mask & ((1 << i) - 1)) === 0) return i;
    }
    return -1;
  };
  // menus: anywhere in the tree (`/system upgrade` -> `/system package local-update`)
  const cmdNames = (m: MenuData) => [...m.commands.keys()].sort(byName).join(',');
  const paths = [...col.menus.keys()].sort(byName);
  for (const oldP of paths) {
    const om = col.menus.get(oldP)!;
    const i = goneAt(om.base | om.extra);
    if (i < 0 || om.commands.size === 0) continue;
    const cands = paths.filter((k) => {
      const m = col.menus.get(k)!;
      return k !== oldP && cameAt(m.base | m.extra) === i && cmdNames(m) === cmdNames(om);
    });
    if (cands.length === 1) out.push(['menu', '', oldP, cands[0], i]);
  }
  // arguments of one command
  for (const [path, menu] of [...col.menus].sort((a, b) => byName(a[0], b[0]))) {
    for (const [cname, cmd] of [...menu.commands].sort((a, b) => byName(a[0], b[0]))) {
      if (cname !== 'add' && cname !== 'set') continue;
      const names = [...cmd.args.keys()].sort(byName);
      for (const oldA of names) {
        const oa = cmd.args.get(oldA)!;
        const i = goneAt(oa.base | oa.extra);
        if (i < 0) continue;
        const od = oa.descs[i - 1];
        const cands = names.filter((k) => {
          const a = cmd.args.get(k)!;
          return k !== oldA && cameAt(a.base | a.extra) === i && a.descs[i] === od && similarNames(oldA, k);
        });
        if (cands.length === 1) out.push(['arg', `${path}\u0000${cname}`, oldA, cands[0], i]);
      }
    }
  }
  return out;
}

/** Argument names that read as one renamed (`is-responder` -> `responder`, `hashmask-length` -> `hash-mask-length`). */
function similarNames(a: string, b: string): boolean {
  const flat = (s: string) => s.replace(/-/g, '');
  const fa = flat(a);
  const fb = flat(b);
  if (fa.includes(fb) || fb.includes(fa) || editDistance(fa, fb) <= 2) return true;
  // one word changed, to a longer or shorter form of itself (`remote-addrs` -> `remote-address`)
  const ta = a.split(/[-.]/);
  const tb = b.split(/[-.]/);
  if (ta.length !== tb.length) return false;
  const diff = ta.map((t, i) => [t, tb[i]]).filter(([x, y]) => x !== y);
  return diff.length === 1 && diff[0][0].slice(0, 4) === diff[0][1].slice(0, 4);
}


/** JSON with one top-level table entry per line: compact, yet diffs stay readable. */
function format(s: CompactSchema): string {
  const lines: string[] = ['{'];
  const keys = Object.keys(s) as Array<keyof CompactSchema>;
  keys.forEach((k, i) => {
    const v = s[k];
    const comma = i < keys.length - 1 ? ',' : '';
    if (Array.isArray(v) && k !== 'versions' && k !== 'completionsFrom') {
      lines.push(`${JSON.stringify(k)}:[`);
      v.forEach((item, j) => lines.push(JSON.stringify(item) + (j < v.length - 1 ? ',' : '')));
      lines.push(`]${comma}`);
    } else {
      lines.push(`${JSON.stringify(k)}:${JSON.stringify(v)}${comma}`);
    }
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}

export interface Generated {
  file: string;
  text: string;
}

/** Builds the table from the source folder; pure apart from reading the inputs. */
export function generate(srcDir: string): Generated[] {
  const dir = join(srcDir, 'versions');
  const rows = readIndex(dir);
  const versions = rows.map((r) => r.version);
  const col = new Collector(versions.length);
  // Completions: the newest crawl that has them first (the collector keeps the first one it sees).
  const withCompletions = ['7.22.3', '7.21.5'].filter((v) => versions.includes(v));
  const order = [...withCompletions.map((v) => versions.indexOf(v)), ...versions.map((_, i) => i).reverse()];
  const done = new Set<number>();
  for (const i of order) {
    if (done.has(i)) continue;
    done.add(i);
    const r = rows[i];
    col.add(readGz(join(dir, r.file)), i, false, withCompletions.includes(r.version));
    col.add(readGz(join(dir, r.file.replace(/\.(deep-)?inspect\.json\.gz$/, '.extra.inspect.json.gz'))), i, true, false);
  }
  return [{ file: 'routeros.json', text: format(encode(versions, withCompletions, col)) }];
}

function main(): void {
  const srcDir = process.env.SCHEMA_SRC ?? join(root, '..', 'shared', 'routeros-schema');
  const outDir = join(root, 'server', 'src', 'schema');
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const g of generate(srcDir)) {
    const target = join(outDir, g.file);
    if (check) {
      let current = '';
      try {
        current = readFileSync(target, 'utf8');
      } catch {
        /* missing counts as stale */
      }
      if (current !== g.text) {
        console.error(`gen-schema: ${g.file} is out of date (run npm run gen-schema)`);
        stale++;
      }
    } else {
      writeFileSync(target, g.text);
      console.log(`gen-schema: wrote ${g.file} (${(Buffer.byteLength(g.text) / 1024).toFixed(0)} KB)`);
    }
  }
  if (stale) process.exit(1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
