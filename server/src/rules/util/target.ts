// The RouterOS version a file is checked against: the user's setting / CLI option
// (`ctx.env.targetVersion`), else the version in the file's `/export` header
// (`# 2024-05-01 12:00:00 by RouterOS 7.16.2`), else the newest version the command tree knows.
// RouterOS 6 files (by header, target or v6-only syntax) are not checked against the v7 trees.

import type { Command, Range, Script, Statement } from '../../parser/ast';
import { commandUses } from './commands';
import { anySchema, loadSchema, newestVersion, versionIndex, type Schema } from '../../schema';
import type { CheckContext } from '../types';

export interface Target {
  /** The version as the user or the header wrote it ("7.16", "7.16.2", "6.49.6"). */
  label: string;
  /** Where it comes from (for messages). */
  source: 'setting' | 'header' | 'newest';
  /** RouterOS 6: property, value and version checks are off. */
  v6: boolean;
  /** Why the file counts as RouterOS 6 and where to say so. */
  v6Evidence?: { range: Range; why: string };
  /** The command tree of the target version (undefined for v6). */
  schema?: Schema;
  /** Older than the oldest tree (7.0 .. 7.8): the oldest tree stands in; what went away before it is unknown. */
  below: boolean;
  /** Every version's tree at once. */
  any: Schema;
}

const HEADER = /\bby RouterOS\s+v?(\d+\.\d+(?:\.\d+)?)/i;

/** The header version and its comment, from the comments before the first command. */
export function headerVersion(script: Script): { version: string; range: Range } | undefined {
  const first = script.statements[0]?.range.start.offset ?? Infinity;
  for (const c of script.comments) {
    if (c.range.start.offset > first) break;
    const m = HEADER.exec(c.text);
    if (m) return { version: m[1], range: c.range };
  }
  return undefined;
}

/**
 * Menus only RouterOS 6 has, written as a section header or with a verb: a file using them was
 * written for v6 (`/routing ospf network`, `/routing bgp peer`, `/routing bgp instance`, `/ip route rule`,
 * `/routing filter` rules with `chain=`... are how v6 spells what v7 moved).
 */
const V6_MENUS = new Set([
  'routing ospf network',
  'routing ospf nbma-neighbor',
  'routing ospf-v3',
  'routing bgp peer',
  'routing bgp instance',
  'routing bgp network',
  'routing rip',
  'routing ripng',
  'ip route rule',
  'ip route vrf',
  'tool user-manager',
  'interface wireless-wds',
  'system upgrade upgrade-package-source',
]);

/**
 * Properties only RouterOS 6 has on menus v7 kept (v7 renamed or moved them): `/ip route add
 * routing-mark=` (v7: routing tables), `/system ntp client set primary-ntp=` (v7: `servers=`), ...
 */
const V6_PROPS = new Map<string, Set<string>>([
  ['ip route', new Set(['routing-mark', 'type'])],
  ['system ntp client', new Set(['primary-ntp', 'secondary-ntp', 'server-dns-names', 'enabled-server'])],
  ['tool e-mail', new Set(['start-tls'])],
  ['ping', new Set(['routing-table'])],
  ['tool ping', new Set(['routing-table'])],
  ['tool mac-server', new Set(['interface'])],
  ['tool mac-server mac-winbox', new Set(['enabled', 'interface'])],
  ['ip ipsec peer', new Set(['nat-traversal', 'dh-group', 'enc-algorithm', 'hash-algorithm', 'secret', 'auth-method'])],
  ['tool fetch', new Set(['http-content-type'])],
  ['ip dhcp-client', new Set(['default-route-distance-x'])],
]);

function findV6Props(script: Script): { range: Range; why: string } | undefined {
  for (const use of commandUses(script).uses) {
    const m = use.menu.join(' ');
    const props = V6_PROPS.get(m) ?? V6_PROPS.get(m ? `${m} ${use.verb}` : use.verb);
    if (!props) continue;
    for (const a of use.named) {
      const n = a.name!.text;
      if (props.has(n) && !t0.argInfo(use.menu, use.verb, n)) {
        return { range: a.name!.range, why: `\`${n}=\` on /${use.menu.join(' ')} ${use.verb} is RouterOS 6 syntax` };
      }
    }
  }
  return undefined;
}

let t0Cache: ReturnType<typeof anySchema> | undefined;
const t0proxy = () => (t0Cache ??= anySchema());
const t0 = { argInfo: (m: string[], v: string, n: string) => t0proxy().argInfo(m, v, n) };

function pathText(cmd: Command): string | undefined {
  const segs = cmd.path?.segments;
  if (!segs || !cmd.path?.absolute) return undefined;
  return segs.map((s) => s.text).join(' ');
}

function findV6Syntax(statements: Statement[]): { range: Range; why: string } | undefined {
  for (const st of statements) {
    if (!st) continue;
    if (st.kind === 'block') {
      const r = findV6Syntax(st.statements ?? []);
      if (r) return r;
      continue;
    }
    const p = pathText(st);
    if (!p) continue;
    for (const m of V6_MENUS) {
      if (p === m || p.startsWith(m + ' ')) return { range: st.path!.range, why: `\`/${m}\` exists only in RouterOS 6` };
    }
    // `/interface ethernet set ... master-port=` (v6 switch chip config, gone in 6.41+/v7)
    if (p === 'interface ethernet' || p === 'interface ethernet set') {
      for (const a of st.args) if (a.name?.text === 'master-port') return { range: a.range, why: '`master-port=` is RouterOS 6 syntax' };
    }
  }
  return undefined;
}

const cache = new WeakMap<Script, Map<string, Target>>();

export function targetOf(ctx: Pick<CheckContext, 'parse' | 'env'>): Target {
  const script = ctx.parse.script;
  const key = ctx.env?.targetVersion ?? '';
  let perScript = cache.get(script);
  if (!perScript) cache.set(script, (perScript = new Map()));
  let t = perScript.get(key);
  if (!t) {
    t = computeTarget(script, ctx.env?.targetVersion);
    perScript.set(key, t);
  }
  return t;
}

function computeTarget(script: Script, setting: string | undefined): Target {
  const any = anySchema();
  const header = headerVersion(script);
  let label: string;
  let source: Target['source'];
  if (setting && /^\s*v?\d+\.\d+/.test(setting)) {
    label = setting.trim();
    source = 'setting';
  } else if (header) {
    label = header.version;
    source = 'header';
  } else {
    label = newestVersion();
    source = 'newest';
  }
  const major = Number(/^\s*v?(\d+)/.exec(label)?.[1] ?? 7);
  if (major <= 6) {
    const range = source === 'header' && header ? header.range : script.statements[0]?.range ?? script.range;
    return { label, source, v6: true, v6Evidence: { range, why: `the ${source === 'header' ? '/export header' : 'target version'} says RouterOS ${label}` }, below: false, any };
  }
  if (source !== 'setting') {
    const v6 = findV6Syntax(script.statements) ?? findV6Props(script);
    if (v6) return { label, source, v6: true, v6Evidence: v6, below: false, any };
  }
  const vi = versionIndex(label);
  const schema = vi ? loadSchema(any.versions[vi.index]) : loadSchema();
  return { label, source, v6: false, schema, below: vi?.below ?? false, any };
}

/** "the target is 7.16 (from the /export header)". */
export function describeTarget(t: Target): string {
  const where = t.source === 'setting' ? '--target / routeros.targetVersion' : t.source === 'header' ? 'the /export header' : 'the newest known; set routeros.targetVersion or --target';
  return `the target is ${t.label} (${where})`;
}
