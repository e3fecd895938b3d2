// Turns the RouterOS command tree crawled from a router (/work/shared/routeros-schema, tikoci/restraml,
// Unlicense) into the compact table the extension ships: server/src/schema/routeros-<version>.json.
//
//   npx tsx scripts/gen-schema.ts            write the tables
//   npx tsx scripts/gen-schema.ts --check    exit 1 when a committed table differs from a fresh one
//   SCHEMA_SRC=/path/to/routeros-schema      input folder (default: ../shared/routeros-schema)
//
// What is kept: every menu, its commands, each command's argument names with the value type text
// (`desc`, e.g. "0s..35w3d13h13m56s (time interval)"), the values the router offers (`_completion`),
// whether the value may be negated (`!` prefix) or is a list (`,` separator), and per menu the
// property descriptions the router gives in `get value-name` completions ("Action to undertake if
// the packet matches the rule"). Dropped: completion style/preference, file-name completions
// (`skins/`), and the property-name lists of `get value-name` / `print proplist` / `group-by`
// (their descriptions are kept per menu). Strings, value lists, argument specs and whole argument sets
// are deduplicated and referenced by index. The format is documented in server/src/schema/format.ts.
//
// 7.24 has no `_completion`: its values (and the property descriptions) are taken from 7.22 where the
// same menu/command/argument exists there.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompactSchema, ArgSpec, EnumValue } from '../server/src/schema/format';
import { FLAG_LIST, FLAG_NEGATABLE, SCHEMA_FORMAT } from '../server/src/schema/format';

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
  // Sorted so the output does not depend on the crawler's key order.
  out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return out;
}

const isMenu = (n: RawNode) => n._type === 'dir' || n._type === 'path';

interface ArgData {
  type?: string;
  values: Array<{ value: string; desc?: string }>;
  negatable: boolean;
  list: boolean;
}
interface MenuData {
  path: string;
  commands: Map<string, Map<string, ArgData>>;
  props: Map<string, string>;
}

/** Flattens a raw tree into menus (path joined by spaces; root = ''). */
function collect(tree: RawNode): Map<string, MenuData> {
  const menus = new Map<string, MenuData>();
  const visit = (node: RawNode, path: string[]) => {
    const key = path.join(' ');
    const menu: MenuData = { path: key, commands: new Map(), props: new Map() };
    menus.set(key, menu);
    for (const [name, child] of children(node)) {
      if (isMenu(child)) {
        visit(child, [...path, name]);
      } else if (child._type === 'cmd') {
        const args = new Map<string, ArgData>();
        for (const [argName, arg] of children(child)) {
          if (arg._type !== 'arg') continue;
          const data: ArgData = { values: [], negatable: false, list: false };
          if (typeof arg.desc === 'string' && arg.desc.trim()) data.type = arg.desc.replace(/\s{2,}/g, ' ').trim();
          const completion = arg._completion ?? {};
          if (PROPERTY_LIST_ARGS.has(argName)) {
            for (const [prop, c] of Object.entries(completion)) {
              if (c.desc && !menu.props.has(prop)) menu.props.set(prop, c.desc.trim());
            }
          } else {
            for (const [value, c] of Object.entries(completion)) {
              if (c.style === 'syntax-meta') {
                if (value === '!') data.negatable = true;
                else if (value === ',') data.list = true;
                continue;
              }
              if (c.style && DROPPED_STYLES.has(c.style)) continue;
              data.values.push(c.desc ? { value, desc: c.desc.trim() } : { value });
            }
          }
          args.set(argName, data);
        }
        menu.commands.set(name, args);
      }
    }
  };
  visit(tree, []);
  return menus;
}

/** Fills what 7.24 lacks (values, flags, property descriptions) from 7.22 where the same item exists. */
function mergeFrom(target: Map<string, MenuData>, donor: Map<string, MenuData>): void {
  for (const [path, menu] of target) {
    const d = donor.get(path);
    if (!d) continue;
    for (const [p, desc] of d.props) if (!menu.props.has(p)) menu.props.set(p, desc);
    for (const [cmd, args] of menu.commands) {
      const dArgs = d.commands.get(cmd);
      if (!dArgs) continue;
      for (const [name, arg] of args) {
        const da = dArgs.get(name);
        if (!da) continue;
        if (arg.values.length === 0) arg.values = da.values.map((v) => ({ ...v }));
        arg.negatable ||= da.negatable;
        arg.list ||= da.list;
        if (!arg.type && da.type) arg.type = da.type;
      }
    }
  }
}

function encode(version: string, menus: Map<string, MenuData>, completionsFrom: string): CompactSchema {
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

  const out: CompactSchema = {
    format: SCHEMA_FORMAT,
    version,
    completionsFrom,
    strings,
    enums,
    args,
    argsets,
    menus: [],
  };
  const paths = [...menus.keys()].sort();
  for (const path of paths) {
    const menu = menus.get(path)!;
    const cmds: Record<string, number> = {};
    for (const cmd of [...menu.commands.keys()].sort()) {
      const set: number[] = [];
      const argMap = menu.commands.get(cmd)!;
      for (const name of [...argMap.keys()].sort()) {
        const a = argMap.get(name)!;
        const flags = (a.negatable ? FLAG_NEGATABLE : 0) | (a.list ? FLAG_LIST : 0);
        const type = a.type !== undefined ? str(a.type) : -1;
        const en =
          a.values.length > 0
            ? intern(
                enums,
                enumIdx,
                a.values.map((v): EnumValue => (v.desc ? [v.value, str(v.desc)] : v.value)),
              )
            : -1;
        let spec: ArgSpec;
        if (type < 0 && en < 0 && flags === 0) spec = name;
        else if (flags === 0 && en < 0) spec = [name, type];
        else if (flags === 0) spec = [name, type, en];
        else spec = [name, type, en, flags];
        set.push(intern(args, argIdx, spec));
      }
      cmds[cmd] = intern(argsets, argsetIdx, set);
    }
    const props: Record<string, number> = {};
    for (const p of [...menu.props.keys()].sort()) props[p] = str(menu.props.get(p)!);
    out.menus.push([path, cmds, props]);
  }
  return out;
}

/** JSON with one top-level table entry per line: compact, yet diffs stay readable. */
function format(s: CompactSchema): string {
  const lines: string[] = ['{'];
  const keys = Object.keys(s) as Array<keyof CompactSchema>;
  keys.forEach((k, i) => {
    const v = s[k];
    const comma = i < keys.length - 1 ? ',' : '';
    if (Array.isArray(v)) {
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

/** Builds both tables from the source folder; pure apart from reading the inputs. */
export function generate(srcDir: string): Generated[] {
  const read = (f: string) => JSON.parse(readFileSync(join(srcDir, f), 'utf8')) as RawNode & { _meta?: { version?: string } };
  const deep = read('deep-inspect-7.22.2.json');
  const v722 = deep._meta?.version ?? '7.22.2';
  const menus722 = collect(deep);
  const menus724 = collect(read('inspect-7.24.json'));
  mergeFrom(menus724, menus722);
  return [
    { file: 'routeros-7.22.json', text: format(encode(v722, menus722, v722)) },
    { file: 'routeros-7.24.json', text: format(encode('7.24', menus724, v722)) },
  ];
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
