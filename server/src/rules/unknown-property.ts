// unknown-property: a property the command does not have in any RouterOS version's tree, or an
// ambiguous abbreviation of several — RouterOS rejects the line ("expected end of command" /
// "ambiguous"). An unambiguous prefix (`addr=` for `address=`) is what RouterOS accepts: reported as
// a hint with a fix that spells the name out. A name another version has is version-mismatch's.
//
// Precision: only commands whose menu and verb the tree knows; named arguments only (positional
// values, `where` expressions, `!name`, `.id`-style names and `$`-built names are never judged); the
// generic `comment`/`disabled`/`copy-from`/`place-before` and selectors are always accepted; RouterOS 6
// files and targets older than the oldest tree are left alone (v6 trees do not exist; what went away
// before 7.9 is unknown).

import { closeMatch } from './unknown-command';
import type { Check, Fix } from './types';
import type { RawFinding } from './util/finding';
import { commandUses } from './util/commands';
import { namesOf, resolveProp, UNJUDGED_VERBS } from './util/properties';
import { targetOf } from './util/target';

const ID = 'unknown-property';

/**
 * Menus whose properties depend on the hardware or on packages the crawled CHR lacks (PoE, SFP,
 * switch chips, radios, LTE modems, RouterBOARD settings): a name the tree lacks is no evidence there.
 */
const HARDWARE_MENUS = [
  'interface ethernet', 'interface wireless', 'interface wifi', 'interface wifiwave2', 'interface lte', 'interface w60g',
  'system routerboard', 'system health', 'system leds', 'ip cloud', 'caps-man', 'interface bridge settings',
  'ip firewall connection tracking', 'system ups', 'system gps', 'interface ppp-client', 'port',
];
const hardware = (menu: readonly string[]) => {
  const p = menu.join(' ');
  return HARDWARE_MENUS.some((h) => p === h || p.startsWith(h + ' '));
};

export const unknownProperty: Check = {
  id: ID,
  defaultSeverity: 'error',
  description: 'A property the command does not have in RouterOS (or an ambiguous abbreviation): RouterOS rejects the line.',
  examples: {
    bad: `/ip firewall filter add chian=input action=drop
`,
    good: `/ip firewall filter add chain=input action=drop comment="drop the rest"
`,
  },
  run(ctx) {
    const t = targetOf(ctx);
    if (t.v6 || t.below) return [];
    const out: RawFinding[] = [];
    for (const use of commandUses(ctx.parse.script).uses) {
      if (UNJUDGED_VERBS.has(use.verb)) continue;
      const where = `/${use.menu.join(' ')} ${use.verb}`;
      const written = new Set(use.named.map((a) => a.name!.text));
      for (const arg of use.named) {
        const word = arg.name!;
        const name = word.text;
        const r = resolveProp(t, use, name);
        if (r.kind === 'prefix') {
          out.push({
            rule: ID,
            severity: 'hint',
            message: `"${name}" is short for "${r.name}" (RouterOS accepts an unambiguous prefix; spelling it out keeps the script readable)`,
            range: word.range,
            fixes: [{ title: `Write "${r.name}"`, safe: true, edits: [{ start: word.range.start.offset, end: word.range.end.offset, newText: r.name }] }],
          });
        } else if (r.kind === 'ambiguous') {
          out.push({
            rule: ID,
            message: `ambiguous property "${name}" for ${where}: it abbreviates ${r.candidates.map((c) => `"${c}"`).join(', ')}`,
            range: word.range,
          });
        } else if (r.kind === 'unknown' && !hardware(use.menu)) {
          const n = namesOf(t, use);
          const close = closeMatch(name, n.target);
          let fix: Fix | undefined;
          if (close && !written.has(close)) {
            fix = { title: `Replace "${name}" with "${close}"`, safe: false, edits: [{ start: word.range.start.offset, end: word.range.end.offset, newText: close }] };
          }
          out.push({
            rule: ID,
            message: `unknown property "${name}" for ${where}${close ? ` (did you mean "${close}"?)` : ''}: RouterOS rejects the line ("expected end of command")`,
            range: word.range,
            ...(fix ? { fixes: [fix] } : {}),
          });
        }
      }
    }
    return out;
  },
};
