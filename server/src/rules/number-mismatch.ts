// number-mismatch: an item number (`move 0 3`, `enable numbers=5,6`, `place-before=3`, `remove 2`,
// `set 4 ...`) that refers to no rule, or, after a `print` in the script, to a rule other than the one the
// comment directly above the command names (by the rule's `comment=`).
//
// Numbers are those of the last `print` of the table (RouterOS memorizes them; rules added after it have
// no number until the next print), or with no print before, the order a print there would show. Only
// numbers the script can know are judged (model/build.ts `numberRefs`): the table was emptied by
// `remove [find]` or the file is a full `/export`, no rule before the number may be missing or misplaced,
// the command is not in conditional code. Silent in a filter table with a fasttrack rule for the one
// number a version that also numbers the dynamic fasttrack counter rule would give a meaning.

import type { Check } from './types';
import type { Comment } from '../parser/ast';
import type { NumberRef, Rule } from '../model/types';
import { mayListDynamic } from '../model/numbering';
import { describeRule } from '../features/numberHover';
import { fixOf, fixes, type RawFinding } from './util/finding';

const ROLE_TEXT: Record<NumberRef['role'], string> = {
  numbers: 'item',
  destination: 'destination',
  'place-before': 'place-before',
  'copy-from': 'copy-from',
};

export const numberMismatch: Check = {
  id: 'number-mismatch',
  defaultSeverity: 'warning',
  description: 'An item number (move, enable, remove, set, place-before) that refers to no rule, or to another rule than the comment above it names.',
  examples: {
    bad:
      '/ip firewall filter remove [find]\n' +
      '/ip firewall filter add chain=input action=accept connection-state=established,related comment="established"\n' +
      '/ip firewall filter add chain=input action=drop in-interface-list=WAN comment="drop WAN"\n' +
      '/ip firewall filter print\n' +
      '/ip firewall filter add chain=input action=drop src-address-list=blacklist disabled=yes comment="blacklist"\n' +
      '# enable the blacklist\n' +
      '/ip firewall filter enable numbers=2\n',
    good:
      '/ip firewall filter remove [find]\n' +
      '/ip firewall filter add chain=input action=accept connection-state=established,related comment="established"\n' +
      '/ip firewall filter add chain=input action=drop in-interface-list=WAN comment="drop WAN"\n' +
      '/ip firewall filter add chain=input action=drop src-address-list=blacklist disabled=yes comment="blacklist"\n' +
      '/ip firewall filter print\n' +
      '# enable the blacklist\n' +
      '/ip firewall filter enable numbers=2\n',
  },
  run(ctx) {
    const out: RawFinding[] = [];
    const refs = (ctx.model.numberRefs ?? []).filter((r) => !r.conditional);
    // one finding per command and role (`enable numbers=5,6` is one problem)
    const groups = new Map<string, NumberRef[]>();
    for (const r of refs) {
      const k = `${r.command.range.start.offset} ${r.role}`;
      const g = groups.get(k);
      if (g) g.push(r);
      else groups.set(k, [r]);
    }
    const comments = ctx.parse.script?.comments ?? [];
    for (const group of groups.values()) {
      const table = ctx.model.tables.get(group[0].table);
      const dyn = table ? mayListDynamic(table) : false;
      // (`move 1 2` with 2 rules may mean "to the end": a destination one past the last is left alone)
      const slack = (r: NumberRef) => (dyn ? 1 : 0) + (r.role === 'destination' ? 1 : 0);
      const bad = group.filter((r) => (r.status === 'none' && r.n >= (r.count ?? 0) + slack(r)) || r.status === 'removed');
      if (bad.length > 0) {
        out.push(noRule(this.id, group, bad));
        continue;
      }
      // `enable 5` of a rule that is enabled (or `disable` of a disabled one) changes nothing: a wrong number
      const verb = group[0].command.verb?.text;
      if (group[0].role === 'numbers' && (verb === 'enable' || verb === 'disable') && group.every((r) => r.status === 'rule')) {
        const idle = group.filter((r) => r.disabledThen === (verb === 'disable'));
        if (idle.length > 0) {
          out.push(noChange(this.id, group, idle, verb, table?.rules ?? []));
          continue;
        }
      }
      const named = group[0].print && group[0].role === 'numbers' ? namedRules(comments, group[0], ctx.text) : [];
      if (named.length === 0 || group.some((r) => r.status !== 'rule')) continue;
      const targets = group.map((r) => r.rule!);
      if (targets.some((t) => named.includes(t))) continue;
      out.push(mismatch(this.id, group, named));
    }
    return out;
  },
};

function rangeOf(group: NumberRef[]) {
  const first = group[0].range;
  const last = group[group.length - 1].range;
  return { start: first.start, end: last.end };
}

function numberingText(ref: NumberRef): string {
  return ref.print ? `the \`print\` on line ${ref.print.range.start.line + 1}` : 'a `print` here (there is none before it)';
}

function noRule(id: string, group: NumberRef[], bad: NumberRef[]): RawFinding {
  const first = bad[0];
  const what = ROLE_TEXT[first.role];
  const nums = [...new Set(bad.map((r) => r.n))];
  const parts: string[] = [];
  const none = bad.filter((r) => r.status === 'none');
  if (none.length > 0) {
    const count = none[0].count ?? 0;
    const numbered = count === 0 ? 'numbers no rule' : `numbers ${count} rule${count === 1 ? '' : 's'} (0-${count - 1})`;
    const added = none[0].unnumbered?.length
      ? `; the rule${none[0].unnumbered.length === 1 ? '' : 's'} added after it (line ${none[0].unnumbered.map((r) => r.source.range.start.line + 1).join(', ')}) get a number only at the next \`print\``
      : '';
    parts.push(`${numberingText(none[0])} ${numbered}${added}`);
  }
  for (const r of bad.filter((x) => x.status === 'removed')) parts.push(`${r.n} was the rule of ${describeRule(r.rule!)}, which an earlier command removed`);
  const others = group.filter((r) => r.status === 'rule');
  const also = others.length > 0 ? ` (${others.map((r) => `${r.n} is the rule of ${describeRule(r.rule!)}`).join('; ')})` : '';
  const message =
    `${what} ${nums.join(',')} refer${nums.length === 1 ? 's' : ''} to no rule: ${parts.join('; ')}; RouterOS rejects it ("no such item")${also}`;
  return {
    rule: id,
    message,
    range: rangeOf(bad),
    related: bad.filter((r) => r.status === 'none').flatMap((r) => (r.unnumbered ?? []).map((u) => ({ message: `added after the print: no number yet`, range: u.source.range }))).slice(0, 10),
  };
}

/** Comments on the lines directly above the command. */
function commentsAbove(comments: readonly Comment[], line: number): Comment[] {
  const out: Comment[] = [];
  let want = line - 1;
  for (let i = comments.length - 1; i >= 0 && want >= 0; i--) {
    const c = comments[i];
    const l = c.range.start.line;
    if (l > want) continue;
    if (l < want) break;
    out.push(c);
    want--;
  }
  return out;
}

function norm(s: string): string {
  return s.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Rules of the numbering whose `comment=` the comment above the command names (word-bounded). */
function namedRules(comments: readonly Comment[], ref: NumberRef, text: string): Rule[] {
  const above = commentsAbove(comments, ref.command.range.start.line);
  if (above.length === 0) return [];
  const said = norm(above.map((c) => text.slice(c.range.start.offset, c.range.end.offset).replace(/^#+/, '')).join(' '));
  const rules = ref.numbering ?? [];
  const named: Rule[] = [];
  const names = new Map<string, number>();
  for (const r of rules) if (r.comment) names.set(norm(r.comment), (names.get(norm(r.comment)) ?? 0) + 1);
  for (const r of rules) {
    const c = r.comment ? norm(r.comment) : '';
    if (c.length < 3 || names.get(c)! > 1) continue;
    const i = said.indexOf(c);
    if (i < 0) continue;
    const before = i === 0 ? ' ' : said[i - 1];
    const after = i + c.length >= said.length ? ' ' : said[i + c.length];
    if (/[\w-]/.test(before) || /[\w-]/.test(after)) continue;
    named.push(r);
  }
  // a comment naming a rule and a longer name containing it: keep the longest
  return named.filter((r) => !named.some((o) => o !== r && norm(o.comment!).includes(norm(r.comment!))));
}

function mismatch(id: string, group: NumberRef[], named: Rule[]): RawFinding {
  const ref = group[0];
  const numbering = ref.numbering ?? [];
  const known = ref.known ?? 0;
  const numberOf = (r: Rule) => {
    const i = numbering.indexOf(r);
    return i >= 0 && i < known ? i : undefined;
  };
  const is = group.map((r) => `${r.n} is the rule of ${describeRule(r.rule!)}`).join('; ');
  const meant = named.map((r) => {
    const n = numberOf(r);
    return `${describeRule(r)}${n === undefined ? ', which has no number in that print' : `, item ${n}`}`;
  });
  const message = `${ROLE_TEXT[ref.role]} ${group.map((r) => r.n).join(',')} of ${numberingText(ref)} is not the rule the comment above names: ${is}; the comment names ${meant.join(' and ')}`;
  const target = named.length === 1 && group.length === 1 ? numberOf(named[0]) : undefined;
  const fix =
    target !== undefined
      ? fixOf(`Use item ${target} (the rule of line ${named[0].source.range.start.line + 1})`, false, [
          { start: ref.range.start.offset, end: ref.range.end.offset, newText: String(target) },
        ])
      : undefined;
  return {
    rule: id,
    message,
    range: rangeOf(group),
    related: [...group.map((r) => ({ message: `item ${r.n}`, range: r.rule!.source.range })), ...named.map((r) => ({ message: 'the rule the comment names', range: r.source.range }))],
    ...fixes(fix),
  };
}

function noChange(id: string, group: NumberRef[], idle: NumberRef[], verb: string, finalRules: readonly Rule[]): RawFinding {
  const ref = group[0];
  const state = verb === 'enable' ? 'enabled' : 'disabled';
  const is = idle.map((r) => `${r.n} is the rule of ${describeRule(r.rule!)}, already ${state}`).join('; ');
  const touched = new Set(group.map((r) => r.rule));
  const waiting = (ref.numbering ?? []).slice(0, ref.known ?? 0).filter((r) => !touched.has(r) && r.disabled === (verb === 'enable') && finalRules.includes(r));
  const hint = waiting.length > 0
    ? `; ${verb === 'enable' ? 'disabled' : 'enabled'} after the script: ${waiting.slice(0, 5).map((r) => `item ${(ref.numbering ?? []).indexOf(r)} (${describeRule(r)})`).join(', ')}`
    : '';
  return {
    rule: id,
    message: `${verb} ${group.map((r) => r.n).join(',')} (numbers of ${numberingText(ref)}) ${idle.length === group.length ? 'changes nothing' : 'partly changes nothing'}: ${is}${hint}`,
    range: rangeOf(idle),
    related: idle.map((r) => ({ message: `item ${r.n}, already ${state}`, range: r.rule!.source.range })),
  };
}
