// Edits that change one property of one rule, computed on the command text (pure).
//
// A property's effective value comes from the last command that set it: the creating `add`, or a
// later `set`. We edit that command, and only when it touches this rule alone (a `set [find ...]`
// shared by several rules must not change the others). Otherwise we append to the `add`.

import { findArg } from '../../parser';
import type { Argument, Command } from '../../parser/ast';
import type { FirewallModel, Rule } from '../../model/types';
import type { TextEdit } from '../types';
import { allRules } from './rules';

/** Commands of the rule in the order they ran: the creating command, then later edits. */
export function commandsOf(rule: Rule): Command[] {
  return [rule.source.command, ...rule.source.edits];
}

/** True when no other rule was created or changed by `cmd`. */
export function commandOnlyFor(cmd: Command, rule: Rule, model: FirewallModel): boolean {
  for (const r of allRules(model)) {
    if (r === rule) continue;
    if (r.source.command === cmd || r.source.edits.includes(cmd)) return false;
  }
  return true;
}

/** The last argument named `prop` among the rule's commands (creation first, then edits). */
export function lastSetter(rule: Rule, prop: string): { cmd: Command; arg: Argument } | undefined {
  let found: { cmd: Command; arg: Argument } | undefined;
  for (const cmd of commandsOf(rule)) {
    const arg = findArg(cmd, prop);
    if (arg && !arg.negatedName) found = { cmd, arg };
  }
  return found;
}

/** Where a new argument goes: after the command's last argument (or its verb). */
function appendOffset(cmd: Command): number {
  const last = cmd.args.length > 0 ? cmd.args[cmd.args.length - 1] : undefined;
  if (last) return last.range.end.offset;
  if (cmd.verb) return cmd.verb.range.end.offset;
  return cmd.range.end.offset;
}

/** RouterOS quoting for a value we write: bare when it is a plain word. */
export function quoteValue(v: string): string {
  return /^[A-Za-z0-9_.:\-/!,*@]+$/.test(v) ? v : `"${v.replace(/(["\\$])/g, '\\$1')}"`;
}

/**
 * An edit giving `prop` the value `value` on this rule, or undefined when that cannot be done
 * without touching another rule (the last setter is shared) or the command is not plain text.
 */
export function setPropertyEdit(rule: Rule, prop: string, value: string, model: FirewallModel): TextEdit | undefined {
  const v = quoteValue(value);
  const setter = lastSetter(rule, prop);
  if (setter) {
    if (!commandOnlyFor(setter.cmd, rule, model)) return undefined;
    const { arg } = setter;
    if (arg.value && arg.equals) {
      return { start: arg.value.range.start.offset, end: arg.value.range.end.offset, newText: v };
    }
    if (arg.equals) return { start: arg.equals.end.offset, end: arg.equals.end.offset, newText: v };
    return undefined;
  }
  const cmd = rule.source.command;
  if (!commandOnlyFor(cmd, rule, model)) return undefined;
  // A later `unset` would win over an added value; leave such rules alone.
  if (rule.source.edits.some((c) => c.verb?.text === 'unset')) return undefined;
  const at = appendOffset(cmd);
  return { start: at, end: at, newText: ` ${prop}=${v}` };
}

/**
 * An edit that leaves the rule disabled: changes its last `disabled=` or adds `disabled=yes`.
 * Undefined when a later `enable` command turns it on (editing that command could touch others).
 */
export function disableRuleEdit(rule: Rule, model: FirewallModel): TextEdit | undefined {
  let last: { cmd: Command; arg?: Argument } | undefined;
  for (const cmd of commandsOf(rule)) {
    const verb = cmd.verb?.text;
    if (cmd !== rule.source.command && (verb === 'enable' || verb === 'disable')) last = { cmd };
    const arg = findArg(cmd, 'disabled');
    if (arg && !arg.negatedName) last = { cmd, arg };
  }
  if (last && !last.arg) return undefined; // an `enable`/`disable` command decides
  return setPropertyEdit(rule, 'disabled', 'yes', model);
}
