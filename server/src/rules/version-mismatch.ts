// version-mismatch: a menu, command or property the target RouterOS version does not have, though
// another version does ("`tos` is in RouterOS 7.21 and later; the target is 7.16", "`/system upgrade`
// was replaced by `/system package local-update` in 7.17"). The target: the routeros.targetVersion
// setting / `--target`, else the file's `/export` header, else the newest version known.
// With a fix where the tree shows a plain rename.
//
// Also, once per file at info severity: a RouterOS 6 file (header, target, or v6-only syntax) is not
// checked against the v7 trees (no v6 tree exists): property, value and version checks are off.
//
// Precision: presence is judged by the span of versions that have the item: before its first version
// ("since") or after its last ("removed in"); a gap inside the span (a patch release crawled out of
// order) is never reported. For targets older than the oldest tree (7.0 .. 7.8) only items that
// appeared after it are reported.

import type { Range, Word } from '../parser/ast';
import type { Availability } from '../schema';
import type { Check, Fix } from './types';
import type { RawFinding } from './util/finding';
import { commandUses } from './util/commands';
import { resolveProp, UNJUDGED_VERBS } from './util/properties';
import { describeTarget, targetOf, type Target } from './util/target';

const ID = 'version-mismatch';

function cmp(a: string, b: string): number {
  const [a1, a2] = a.split('.').map(Number);
  const [b1, b2] = b.split('.').map(Number);
  return a1 - b1 || a2 - b2;
}

/** Why the target lacks an item that `av` describes, or undefined when it is not certain. */
function gap(t: Target, av: Availability): { since?: string; removedIn?: string } | undefined {
  const target = t.schema!.version;
  const first = av.versions[0];
  const last = av.versions[av.versions.length - 1];
  if (!first) return undefined;
  if (cmp(target, first) < 0) {
    if (t.below && first === t.any.versions[0]) return undefined;
    return { since: first };
  }
  if (t.below) return undefined;
  if (cmp(target, last) > 0 && av.removedIn) return { removedIn: av.removedIn };
  return undefined;
}

/** Removed items against the default target (no header, no setting) may be fine on the user's router. */
function severityFor(t: Target, g: { since?: string; removedIn?: string }): { severity?: 'warning' } {
  return t.source === 'newest' && g.removedIn ? { severity: 'warning' } : {};
}

function sentence(what: string, g: { since?: string; removedIn?: string }, t: Target, renamed?: { to: string; version: string }): string {
  if (renamed && g.removedIn) return `${what} was replaced by ${renamed.to} in RouterOS ${renamed.version}; ${describeTarget(t)}`;
  if (g.since) return `${what} is in RouterOS ${g.since} and later; ${describeTarget(t)}`;
  return `${what} was removed in RouterOS ${g.removedIn}; ${describeTarget(t)}`;
}

function replaceWord(text: string, w: Word, to: string): Fix | undefined {
  if (text.slice(w.range.start.offset, w.range.end.offset) !== w.text) return undefined;
  return { title: `Rename "${w.text}" to "${to}"`, safe: false, edits: [{ start: w.range.start.offset, end: w.range.end.offset, newText: to }] };
}

export const versionMismatch: Check = {
  id: ID,
  defaultSeverity: 'error',
  description: 'A menu, command or property the target RouterOS version does not have (added later or removed), though another version does.',
  examples: {
    bad: `# 2024-11-02 10:00:00 by RouterOS 7.16.2
/ip firewall filter add chain=forward tos=4 action=accept
`,
    good: `# 2026-01-10 10:00:00 by RouterOS 7.21.2
/ip firewall filter add chain=forward tos=4 action=accept
`,
  },
  run(ctx) {
    const t = targetOf(ctx);
    const out: RawFinding[] = [];
    if (t.v6) {
      const e = t.v6Evidence!;
      out.push({
        rule: ID,
        severity: 'info',
        message: `RouterOS 6 file (${e.why}): no RouterOS 6 command tree exists, so property, value and version checks are off for this file`,
        range: e.range,
      });
      return out;
    }
    const schema = t.schema!;
    const uses = commandUses(ctx.parse.script);
    const reportedMenus = new Set<string>();
    // Menus: where a path is written (section header or absolute command), once per menu and line.
    for (const m of uses.menus) {
      if (schema.isMenu(m.menu)) continue;
      // the shallowest missing menu on the path
      let depth = 1;
      while (depth < m.menu.length && schema.isMenu(m.menu.slice(0, depth))) depth++;
      const path = m.menu.slice(0, depth);
      const av = t.any.availability(path);
      if (!av) continue;
      const g = gap(t, av);
      if (!g) continue;
      const key = `${path.join(' ')}@${m.command.range.start.line}`;
      if (reportedMenus.has(key)) continue;
      reportedMenus.add(key);
      const renamed = g.removedIn ? t.any.renamedTo(path) : undefined;
      const segs = m.words;
      const range: Range = segs.length >= depth ? { start: segs[0].range.start, end: segs[depth - 1].range.end } : m.command.range;
      let fix: Fix | undefined;
      if (renamed && segs.length >= depth && segs.slice(0, depth).every((s, i) => s.text === path[i])) {
        const sep = ctx.text.slice(segs[0].range.end.offset, segs[0].range.end.offset + 1) === '/' ? '/' : ' ';
        const newText = renamed.to.split(' ').join(sep);
        fix = { title: `Use /${renamed.to}`, safe: false, edits: [{ start: segs[0].range.start.offset, end: segs[depth - 1].range.end.offset, newText }] };
      }
      out.push({
        rule: ID,
        message: sentence(`/${path.join(' ')}`, g, t, renamed ? { to: `/${renamed.to}`, version: renamed.version } : undefined),
        range,
        ...severityFor(t, g),
        ...(fix ? { fixes: [fix] } : {}),
      });
    }
    for (const use of uses.uses) {
      if (!schema.isMenu(use.menu)) continue; // reported as a menu
      // Global commands: the crawls of the root menu are incomplete (`:break`, `/ping` come and go).
      if (use.menu.length === 0) continue;
      if (!schema.hasCommand(use.menu, use.verb)) {
        const av = t.any.availability(use.menu, use.verb);
        const g = av && gap(t, av);
        if (g && use.verbWord) out.push({ rule: ID, message: sentence(`/${use.menu.join(' ')} ${use.verb}`, g, t), range: use.verbWord.range, ...severityFor(t, g) });
        continue;
      }
      if (UNJUDGED_VERBS.has(use.verb)) continue;
      for (const arg of use.named) {
        const name = arg.name!.text;
        const r = resolveProp(t, use, name);
        if (r.kind !== 'other-version') continue;
        const av = t.any.availability(use.menu, use.verb, name);
        const g = av && gap(t, av);
        if (!g) continue;
        const renamed = g.removedIn ? t.any.renamedTo(use.menu, use.verb, name) : undefined;
        const fix = renamed && cmp(schema.version, renamed.version) >= 0 ? replaceWord(ctx.text, arg.name!, renamed.to) : undefined;
        out.push({
          rule: ID,
          message: sentence(`"${name}" (/${use.menu.join(' ')} ${use.verb})`, g, t, renamed ? { to: `"${renamed.to}"`, version: renamed.version } : undefined),
          range: arg.name!.range,
          ...severityFor(t, g),
          ...(fix ? { fixes: [fix] } : {}),
        });
      }
    }
    return out;
  },
};
