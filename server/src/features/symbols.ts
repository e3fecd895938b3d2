// Document symbols (the outline): sections per menu, firewall rules named by their comment (or by
// `chain action protocol port`), scripts, schedulers, list entries, top-level variables, and each
// port-knocking sequence as a group of its stages and accept rules.

import type { DocumentSymbol, Range as LspRange, SymbolKind } from 'vscode-languageserver-types';
import type { Argument, Command, ParseResult, Value } from '../parser/ast';
import type { FirewallModel, KnockSequence, Rule } from '../model/types';
import type { Schema } from '../schema';
import { walkScript } from '../schema/walk';
import type { CommandVisit } from '../schema/walk';
import { describeKnockSequence, formatTimeout } from './knockClients';
import { firewallTable } from './navigation';
import { lspRange } from './textPos';

const S = {
  Namespace: 3 as SymbolKind,
  Enum: 10 as SymbolKind,
  Property: 7 as SymbolKind,
  Function: 12 as SymbolKind,
  Variable: 13 as SymbolKind,
  Constant: 14 as SymbolKind,
  String: 15 as SymbolKind,
  Object: 19 as SymbolKind,
  Key: 20 as SymbolKind,
  EnumMember: 22 as SymbolKind,
  Event: 24 as SymbolKind,
};

/** Literal text of a value (words, constant strings, `!x`); undefined when computed at run time. */
function literal(v: Value | null | undefined): string | undefined {
  if (!v) return undefined;
  if (v.kind === 'word') return v.text;
  if (v.kind === 'string') return v.constant ? v.value : undefined;
  if (v.kind === 'negated') {
    const inner = literal(v.value);
    return inner === undefined ? undefined : `!${inner}`;
  }
  return undefined;
}

function argText(cmd: Command, name: string): string | undefined {
  const a = cmd.args.find((x: Argument) => x.name?.text === name && !x.negatedName);
  return a ? literal(a.value) : undefined;
}

/** `input accept tcp 22 from secured`: a rule's summary from its properties. */
export function ruleSummary(cmd: Command): string {
  const parts: string[] = [];
  const chain = argText(cmd, 'chain');
  const action = argText(cmd, 'action') ?? (chain ? 'accept' : undefined);
  if (chain) parts.push(chain);
  if (action) parts.push(action);
  const target = argText(cmd, 'jump-target') ?? argText(cmd, 'address-list');
  if (target && (action === 'jump' || action?.startsWith('add-'))) parts.push(`→ ${target}`);
  const proto = argText(cmd, 'protocol');
  if (proto) parts.push(proto);
  const port = argText(cmd, 'dst-port');
  if (port) parts.push(port);
  const src = argText(cmd, 'src-address-list');
  if (src) parts.push(`from ${src}`);
  const inIf = argText(cmd, 'in-interface-list') ?? argText(cmd, 'in-interface');
  if (inIf) parts.push(`in ${inIf}`);
  return parts.join(' ') || 'rule';
}

function truncate(s: string, n = 60): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

function symbol(name: string, kind: SymbolKind, range: LspRange, selectionRange: LspRange, detail?: string): DocumentSymbol {
  const s: DocumentSymbol = { name: name || '(unnamed)', kind, range, selectionRange };
  if (detail) s.detail = detail;
  return s;
}

/** A symbol for one command, or undefined for commands the outline leaves out (print, remove, ...). */
function commandSymbol(v: CommandVisit): DocumentSymbol | undefined {
  const cmd = v.command;
  const range = lspRange(cmd.range);
  const sel = lspRange((cmd.verb ?? cmd.path ?? cmd).range);
  const menu = v.menu.join(' ');
  const verb = v.verb;
  if (v.global) {
    if (verb === 'global' || verb === 'local') {
      const first = cmd.args.find((a) => !a.name);
      const name = literal(first?.value);
      if (name && first) return symbol(name, S.Variable, range, lspRange(first.range), `:${verb}`);
    }
    return undefined;
  }
  if (verb !== 'add' && verb !== 'set') return undefined;
  const disabled = argText(cmd, 'disabled') === 'yes' ? ' (disabled)' : '';
  if (firewallTable(v.menu) && verb === 'add') {
    const comment = argText(cmd, 'comment');
    const summary = ruleSummary(cmd);
    return comment
      ? symbol(truncate(comment), S.Event, range, sel, summary + disabled)
      : symbol(summary, S.Event, range, sel, disabled.trim() || undefined);
  }
  const name = argText(cmd, 'name');
  if (menu === 'system script' && name) return symbol(name, S.Function, range, sel, 'script');
  if (menu === 'system scheduler' && name) {
    const ev = argText(cmd, 'on-event');
    return symbol(name, S.Event, range, sel, `scheduler${argText(cmd, 'interval') ? ` every ${argText(cmd, 'interval')}` : ''}${ev && !ev.includes(' ') ? ` → ${ev}` : ''}`);
  }
  if (menu === 'ip firewall address-list' || menu === 'ipv6 firewall address-list') {
    const list = argText(cmd, 'list');
    const address = argText(cmd, 'address');
    if (list) return symbol(`${list}: ${address ?? '?'}`, S.Constant, range, sel, `address list entry${disabled}`);
  }
  if (menu === 'interface list' && name) return symbol(name, S.Enum, range, sel, 'interface list');
  if (menu === 'interface list member') {
    const list = argText(cmd, 'list');
    if (list) return symbol(`${list}: ${argText(cmd, 'interface') ?? '?'}`, S.EnumMember, range, sel, 'interface list member');
  }
  if (menu === 'ip firewall layer7-protocol' && name) return symbol(name, S.String, range, sel, 'layer7 protocol');
  const label = name ?? argText(cmd, 'comment') ?? argText(cmd, 'list') ?? cmd.args.map((a) => (a.name ? `${a.name.text}=${literal(a.value) ?? '…'}` : literal(a.value) ?? '…')).slice(0, 3).join(' ');
  return symbol(truncate(`${verb} ${label}`.trim()), verb === 'add' ? S.Object : S.Property, range, sel);
}

/**
 * The outline of a file. `knocks` (from the lint result) adds the port-knocking groups, each with its
 * stages, accepts and ready-to-copy client commands; `layer7` (model.layer7) fills in passphrases.
 */
export function documentSymbols(
  parse: ParseResult,
  schema: Schema,
  knocks: KnockSequence[] = [],
  layer7?: FirewallModel['layer7'],
): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  let section: { sym: DocumentSymbol; menu: string; explicit: boolean } | undefined;
  const close = () => {
    if (section) {
      const last = section.sym.children?.[section.sym.children.length - 1];
      if (last) section.sym.range = { start: section.sym.range.start, end: last.range.end };
      section.sym.detail = `${section.sym.children?.length ?? 0} item${section.sym.children?.length === 1 ? '' : 's'}`;
      out.push(section.sym);
    }
    section = undefined;
  };
  walkScript(parse.script, schema, {
    command(v) {
      if (v.depth !== 0) return;
      const cmd = v.command;
      const menu = v.menu.join(' ');
      if (v.menuChange) {
        close();
        const r = lspRange(cmd.range);
        section = { sym: symbol(`/${menu}`, S.Namespace, r, lspRange((cmd.path ?? cmd).range)), menu, explicit: true };
        section.sym.children = [];
        return;
      }
      const child = commandSymbol(v);
      if (!child) return;
      if (v.global) {
        close();
        out.push(child);
        return;
      }
      if (!section || section.menu !== menu) {
        close();
        const r = lspRange(cmd.range);
        section = { sym: symbol(`/${menu}`, S.Namespace, r, lspRange((cmd.path ?? cmd.verb ?? cmd).range)), menu, explicit: false };
        section.sym.children = [];
      }
      section.sym.children!.push(child);
    },
  });
  close();
  // Sections with nothing to show (a bare `/ip firewall filter` followed by prints) are dropped.
  const shown = out.filter((s) => s.kind !== S.Namespace || (s.children?.length ?? 0) > 0);
  for (const seq of knocks) {
    const g = knockGroup(seq, layer7);
    if (g) shown.push(g);
  }
  shown.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return shown;
}

function ruleRange(r: Rule): LspRange | undefined {
  const c = r.source?.command;
  return c ? lspRange(c.range) : undefined;
}

function knockGroup(seq: KnockSequence, layer7?: FirewallModel['layer7']): DocumentSymbol | undefined {
  const children: DocumentSymbol[] = [];
  for (const s of seq.stages) {
    const r = ruleRange(s.rule);
    if (!r) continue;
    const ports = s.ports?.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',') ?? '';
    children.push(
      symbol(`stage ${s.index + 1}: ${s.protocol ?? ''} ${ports}`.replace(/\s+/g, ' ').trim(), S.Key, r, r, `→ ${s.list} (${formatTimeout(s.timeout)})`),
    );
  }
  for (const a of seq.accepts) {
    const r = ruleRange(a);
    if (r) children.push(symbol(`accept ${seq.finalList}`, S.Key, r, r, a.comment));
  }
  if (children.length === 0) return undefined;
  children.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  const range = { start: children[0].range.start, end: children.reduce((e, c) => (c.range.end.line > e.line || (c.range.end.line === e.line && c.range.end.character > e.character) ? c.range.end : e), children[0].range.end) };
  const g = symbol(`Port knocking: ${describeKnockSequence(seq)}`, S.Key, range, children[0].selectionRange, `${seq.family} ${seq.table} ${seq.chain}`);
  // The Outline lists rules; the client commands live in the knock's hover (issue 13).
  void layer7;
  g.children = children;
  return g;
}
