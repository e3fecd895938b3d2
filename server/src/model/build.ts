// Builds the firewall model (server/src/model/types.ts) from a syntax tree: replays every command of
// the script in order, tracking the current menu, and keeps what the script leaves behind.
//
// Decisions (see ARCHITECTURE.md "Firewall model"):
// - The script is assumed to run on a table that holds only what the script itself creates (as an
//   `/export` does). A selector that matches nothing the script created (`[find comment=x]`, `*1A`, a
//   number past the end) refers to the router's existing config: it is listed in `unresolved`, never
//   guessed. A rule placed relative to such a selector keeps `positionKnown = false`.
// - Item numbers (`set 5`, `move 3 0`, `enable numbers=5,6`) are the numbers of the last `print` of that
//   table in the script (RouterOS memorizes them; `print chain=input` numbers only the input rules).
//   Without a print they are the positions in the table's current order, across all chains (what a
//   `print` at that point would show; dynamic rules are not modelled).
// - `*ID` internal ids are unknown for rules a script creates: always unresolved.
// - Commands inside `:if`/`:foreach`/`:while`/`:for`/`on-error`/function bodies are applied, and rules
//   they add carry `source.conditional = true`. Code in `source=`/`on-event=` strings or blocks of other
//   commands (`/system script`, `/system scheduler`, netwatch...) does not run on import: excluded.
// - Values computed at run time (`$port`, `($a->"b")`, `[...]`) become `Unknown` in `Match`.

import type {
  Argument,
  Command,
  CodeBlock,
  ParseResult,
  Position,
  Range,
  Statement,
  Substitution,
  Value,
} from '../parser/ast';
import { LineIndex } from '../parser/lineIndex';
import type {
  AddressList,
  Family,
  FirewallModel,
  InterfaceList,
  Match,
  Neg,
  NumberRef,
  Rule,
  Table,
  TableName,
  Unknown,
  Unresolved,
} from './types';
import {
  normalizeProtocol,
  parseBool,
  parseNumberRange,
  parsePortSet,
  listTimeout,
} from './values';

// ---------------------------------------------------------------------------------------------
// Small text helpers

/** Offset <-> position for one text: the parser's LineIndex, plus line-end helpers. */
export class Lines {
  private readonly index: LineIndex;
  readonly starts: number[];
  constructor(readonly text: string) {
    this.index = new LineIndex(text);
    this.starts = this.index.lineStarts;
  }
  lineOf(offset: number): number {
    return this.index.lineAt(offset);
  }
  position(offset: number): Position {
    return this.index.positionAt(offset);
  }
  /** Offset just after the line end of `line` (or the text end). */
  lineEndInclusive(line: number): number {
    return line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
  }
  /** Offset of the line end of `line`, excluding the line terminator. */
  lineEnd(line: number): number {
    let end = this.lineEndInclusive(line);
    if (end > this.starts[line] && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > this.starts[line] && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }
}

const GLOBAL_WORDS = new Set([
  'if', 'foreach', 'for', 'while', 'do', 'local', 'global', 'put', 'log', 'delay', 'execute', 'parse',
  'return', 'error', 'onerror', 'retry', 'time', 'len', 'pick', 'toarray', 'tostr', 'tonum', 'typeof',
  'resolve', 'environment', 'terminal', 'beep', 'nothing', 'find', 'jobname', 'serialize', 'deserialize',
]);

const VERBS = new Set([
  'add', 'set', 'remove', 'move', 'disable', 'enable', 'comment', 'unset', 'print', 'export', 'find', 'get',
  'edit', 'reset-counters', 'reset-counters-all', 'reset', 'import',
]);

const TABLES: TableName[] = ['filter', 'nat', 'mangle', 'raw'];

/** Properties of a firewall rule that are not match conditions. */
const NON_MATCHERS = new Set([
  'action', 'chain', 'comment', 'disabled', 'log', 'log-prefix', 'jump-target', 'address-list',
  'address-list-timeout', 'to-addresses', 'to-ports', 'reject-with', 'passthrough', 'place-before',
  'route-dst', 'sniff-id', 'sniff-target', 'sniff-target-port', 'copy-from', 'numbers', 'new-connection-mark',
  'new-packet-mark', 'new-routing-mark', 'new-dscp', 'new-mss', 'new-ttl', 'new-priority',
  'new-hop-limit', 'table', 'dynamic', 'invalid',
]);

function isNonMatcher(name: string): boolean {
  return NON_MATCHERS.has(name) || name.startsWith('new-') || name.startsWith('to-');
}

// ---------------------------------------------------------------------------------------------
// Value access

interface PropValue {
  /** Literal text (`!` kept for negations); the source text when dynamic. */
  text: string;
  dynamic: boolean;
}

class Source {
  readonly lines: Lines;
  constructor(readonly text: string) {
    this.lines = new Lines(text);
  }
  slice(r: Range): string {
    return this.text.slice(r.start.offset, r.end.offset);
  }
  /** Literal text of a value, or undefined when computed at run time. */
  literal(v: Value | null | undefined): string | undefined {
    if (!v) return undefined;
    switch (v.kind) {
      case 'word':
        return v.text;
      case 'string':
        return v.constant ? v.value : undefined;
      case 'negated': {
        const inner = this.literal(v.value);
        return inner === undefined ? undefined : '!' + inner;
      }
      default:
        return undefined;
    }
  }
  prop(v: Value | null | undefined): PropValue {
    if (!v) return { text: '', dynamic: false };
    const lit = this.literal(v);
    if (lit !== undefined) return { text: lit, dynamic: false };
    return { text: this.slice(v.range), dynamic: true };
  }
}

function argName(a: Argument): string | undefined {
  return a.name?.text;
}

function named(cmd: Command, name: string): Argument | undefined {
  return cmd.args.find((a) => argName(a) === name);
}

function positional(cmd: Command): Argument[] {
  return cmd.args.filter((a) => a.name === null);
}

// ---------------------------------------------------------------------------------------------
// Build state

interface TableState {
  table: Table;
  /** Numbering of the last `print` (uids in print order), or 'unknown' when the print had a filter we
   * could not evaluate; null before any print. */
  snapshot: Rule[] | 'unknown' | null;
  /** The `print` that made `snapshot`, and how many of its first entries have known numbers. */
  snapshotCmd?: Command;
  snapshotKnown: number;
  /** Why the snapshot's numbers are not all known (for messages). */
  snapshotWhy?: string;
  /** The rules in the table when it was printed (to name those added after it). */
  snapshotAll?: Rule[];
  /** Numbers used with no print before them (RouterOS then numbers as a print would, and may keep those numbers). */
  implicitLine?: number;
  /** The order changed since `implicitLine`: later numbers without a print may use either numbering. */
  implicitStale?: boolean;
}

interface Ctx {
  menu: string[];
  conditional: boolean;
  /** Where the conditional code is, for messages: "inside `:if` (line 3)". */
  why?: string;
  /** `:foreach i in=[find ...] do={ remove $i }`: the loop variable bound to the loop's selector. */
  loopVar?: { name: string; selector: Substitution };
}

class Unresolvable extends Error {}

/** Why print numbers are unknown in a table the script did not empty. */
const UNSEEN_RULES =
  'the router\'s own rules, which the script does not show, are numbered too (numbers are known after `remove [find]` of the table, or in a full `/export`)';

export class ModelBuilder {
  readonly src: Source;
  readonly model: FirewallModel;
  private uid = 0;
  private readonly states = new Map<string, TableState>();
  /** A full `/export` (its header comment): every table it shows is the router's whole table. */
  private readonly exportFile: boolean;

  constructor(
    private readonly parse: ParseResult,
    text: string,
  ) {
    this.src = new Source(text);
    this.model = {
      tables: new Map(),
      addressLists: new Map(),
      interfaceLists: new Map(),
      layer7: new Map(),
      unresolved: [],
      numberRefs: [],
    };
    const script = parse.script;
    const first = script?.statements[0]?.range.start.offset ?? Infinity;
    this.exportFile = (script?.comments ?? []).some((c) => c.range.start.offset < first && /\bby RouterOS\s+v?\d/i.test(c.text));
  }

  build(): FirewallModel {
    this.walk(this.parse.script?.statements ?? [], { menu: [], conditional: false });
    for (const st of this.states.values()) for (const r of st.table.rules) derive(r, this.src);
    this.linkLists();
    return this.model;
  }

  // -- walking ---------------------------------------------------------------------------------

  private walk(stmts: Statement[], ctx: Ctx): void {
    for (const s of stmts) {
      if (!s) continue;
      try {
        if (s.kind === 'block') this.walk(s.statements ?? [], { ...ctx, menu: [...ctx.menu] });
        else if (s.kind === 'command') this.command(s, ctx);
      } catch (e) {
        // The model never throws on odd trees: note the failure and go on.
        this.unresolved(`could not model this command: ${(e as Error).message}`, s.range, 'selector');
      }
    }
  }

  private command(cmd: Command, ctx: Ctx): void {
    if (cmd.callee) return;
    const verbRaw = cmd.verb?.text;
    const isGlobal = verbRaw !== undefined && (verbRaw.startsWith(':') || (cmd.path === null && GLOBAL_WORDS.has(verbRaw)));
    if (isGlobal) {
      this.globalCommand(cmd, verbRaw.replace(/^:/, ''), ctx);
      return;
    }
    // Resolve the menu and the verb (the slash form may leave the verb as the last path segment).
    let menu = ctx.menu;
    let verb = verbRaw;
    if (cmd.path) {
      menu = cmd.path.absolute ? [] : [...ctx.menu];
      for (const seg of cmd.path.segments) {
        if (seg.text === '..') menu.pop();
        else if (seg.text !== '') menu.push(seg.text);
      }
      if (verb === undefined && menu.length > 0 && VERBS.has(menu[menu.length - 1]) && !this.isMenuWord(menu)) {
        verb = menu.pop();
      }
    }
    // `/ip firewall filter { add ...; add ... }` (the parser keeps the whole menu as the path): the
    // commands of the block run in that menu
    const only = cmd.args.length === 1 && cmd.args[0].name === null ? cmd.args[0].value : undefined;
    if (only && only.kind === 'code' && verb === undefined) {
      this.walkCode(only, { ...ctx, menu });
      return;
    }
    if (verb === undefined) {
      if (cmd.path && cmd.args.length === 0) ctx.menu = menu; // bare menu change
      return;
    }
    this.menuCommand(menu, verb, cmd, ctx);
  }

  /** `/interface list` has a sub-menu `member`; no firewall menu ends in a verb word otherwise. */
  private isMenuWord(_menu: string[]): boolean {
    return false;
  }

  private globalCommand(cmd: Command, verb: string, ctx: Ctx): void {
    if (verb === 'foreach' && this.foreachOverFind(cmd, ctx)) return;
    for (const a of cmd.args) {
      const v = a.value;
      if (!v) continue;
      if (v.kind === 'code') {
        // Code in `:if`, loops, `:do` (an error inside ends it early), `on-error`, functions may or may
        // not run: what it does to the firewall is applied but marked uncertain (see uncertain()).
        const why = ctx.why ?? `inside \`:${verb}\` (line ${cmd.range.start.line + 1})`;
        this.walkCode(v, { menu: [...ctx.menu], conditional: true, why });
      } else if (v.kind === 'substitution' && (verb === 'local' || verb === 'global' || verb === 'set' || verb === 'put')) {
        this.walkSubstitution(v, ctx);
      }
    }
  }

  /**
   * `:foreach i in=[/ip firewall filter find ...] do={ remove $i }` (or set/disable/enable/comment
   * `$i ...`): every command of the body uses the loop variable as its selector, so the loop is the
   * command applied to `[find ...]` itself, certain when the selector resolves. Returns false when the
   * loop is anything else (then it is walked as uncertain code).
   */
  private foreachOverFind(cmd: Command, ctx: Ctx): boolean {
    const pos = positional(cmd);
    const varName = pos[0]?.value?.kind === 'word' ? pos[0].value.text : undefined;
    const inArg = named(cmd, 'in')?.value;
    const body = named(cmd, 'do')?.value;
    if (!varName || !inArg || inArg.kind !== 'substitution' || !body || body.kind !== 'code') return false;
    if (cmd.args.length !== 3 || ctx.conditional) return false;
    const stmts = (body.statements ?? []).filter((st) => st);
    if (stmts.length === 0) return false;
    for (const st of stmts) {
      if (st.kind !== 'command' || !st.verb || st.callee) return false;
      const verbText = st.verb.text;
      if (!['remove', 'set', 'disable', 'enable', 'comment'].includes(verbText)) return false;
      const sel = named(st, 'numbers') ?? positional(st)[0];
      if (!sel || sel.value?.kind !== 'variable' || (sel.value as { name?: string }).name !== varName) return false;
    }
    this.walk(stmts, { menu: [...ctx.menu], conditional: false, loopVar: { name: varName, selector: inArg } });
    return true;
  }

  private walkCode(code: CodeBlock, ctx: Ctx): void {
    this.walk(code.statements ?? [], ctx);
  }

  private walkSubstitution(sub: Substitution, ctx: Ctx): void {
    this.walk(sub.statements ?? [], { ...ctx, menu: [...ctx.menu] });
  }

  private menuCommand(menu: string[], verb: string, cmd: Command, ctx: Ctx): void {
    const m = menu.map((s) => s.toLowerCase());
    if ((m[0] === 'ip' || m[0] === 'ipv6') && m[1] === 'firewall' && m.length === 3) {
      const family = m[0] as Family;
      if ((TABLES as string[]).includes(m[2])) {
        this.tableCommand(this.state(family, m[2] as TableName), verb, cmd, ctx);
      } else if (m[2] === 'address-list') {
        if (verb === 'add') this.addressListAdd(family, cmd);
      } else if (m[2] === 'layer7-protocol') {
        if (verb === 'add') this.layer7Add(cmd);
      }
    } else if (m[0] === 'interface' && m[1] === 'list') {
      if (m.length === 2 && verb === 'add') this.interfaceListAdd(cmd);
      else if (m.length === 3 && m[2] === 'member' && verb === 'add') this.interfaceListMember(cmd);
    }
  }

  // -- tables ----------------------------------------------------------------------------------

  private state(family: Family, name: TableName): TableState {
    const key = `${family} ${name}`;
    let st = this.states.get(key);
    if (!st) {
      const table: Table = {
        family,
        name,
        rules: [],
        numbering: this.exportFile
          ? { complete: true, orderCertain: true }
          : { complete: false, orderCertain: true, why: UNSEEN_RULES },
      };
      st = { table, snapshot: null, snapshotKnown: 0 };
      this.states.set(key, st);
      this.model.tables.set(key, table);
    }
    return st;
  }

  private tableCommand(st: TableState, verb: string, cmd: Command, ctx: Ctx): void {
    switch (verb) {
      case 'add':
        return this.add(st, cmd, ctx);
      case 'set':
      case 'disable':
      case 'enable':
      case 'comment':
      case 'unset':
        return this.modify(st, verb, cmd, ctx);
      case 'remove':
        return this.remove(st, cmd, ctx);
      case 'move':
        return this.move(st, cmd, ctx);
      case 'print':
        return this.print(st, cmd, ctx);
      default:
        return;
    }
  }

  private collectProps(cmd: Command, skip: Set<string>): { props: Record<string, string>; dynamic: Set<string>; unset: string[] } {
    const props: Record<string, string> = {};
    const dynamic = new Set<string>();
    const unset: string[] = [];
    for (const a of cmd.args) {
      const name = argName(a);
      if (name === undefined || skip.has(name)) continue;
      if (a.negatedName) {
        unset.push(name);
        continue;
      }
      const v = this.src.prop(a.value);
      props[name] = v.text;
      if (v.dynamic) dynamic.add(name);
    }
    return { props, dynamic, unset };
  }

  private add(st: TableState, cmd: Command, ctx: Ctx): void {
    const { props, dynamic } = this.collectProps(cmd, new Set(['place-before', 'copy-from']));
    const rule: Rule = {
      uid: this.uid++,
      family: st.table.family,
      table: st.table.name,
      chain: '',
      action: 'accept',
      disabled: false,
      match: { other: {} },
      props: {},
      source: {
        command: cmd,
        range: cmd.range,
        blockRange: this.blockRange(cmd),
        edits: [],
        conditional: ctx.conditional,
        ...(ctx.conditional ? { uncertain: [`created ${ctx.why ?? 'inside conditional code'}, which may not run`] } : {}),
      },
      positionKnown: true,
    };
    const copyFrom = named(cmd, 'copy-from');
    const dyn = new Set<string>();
    if (copyFrom) {
      const from = this.selectOrNote(st, copyFrom.value, cmd, 'copy-from', false, 'copy-from', ctx);
      if (from && from.length > 0) {
        Object.assign(rule.props, from[0].props);
        for (const d of from[0].dynamicProps ?? []) dyn.add(d);
      }
    }
    Object.assign(rule.props, props);
    for (const d of dynamic) dyn.add(d);
    for (const k of Object.keys(props)) if (!dynamic.has(k)) dyn.delete(k);
    if (dyn.size > 0) rule.dynamicProps = [...dyn];
    rule.disabled = parseBool(rule.props.disabled) === true;

    const pb = named(cmd, 'place-before');
    if (pb) {
      const target = this.selectOrNote(st, pb.value, cmd, 'place-before', true, 'place-before', ctx);
      const idx = target && target.length > 0 ? st.table.rules.indexOf(target[0]) : -1;
      if (idx >= 0) {
        st.table.rules.splice(idx, 0, rule);
        return;
      }
      rule.positionKnown = false;
    }
    st.table.rules.push(rule);
  }

  private selectorArg(cmd: Command): Argument | undefined {
    return named(cmd, 'numbers') ?? positional(cmd)[0];
  }

  /**
   * Why a command that changes rules may or may not take effect, or undefined when it certainly does:
   * it runs inside conditional code, or it names rules by item number with no `print` of the table
   * before it (a script has no numbering then).
   */
  private uncertainty(st: TableState, cmd: Command, sel: Value | null | undefined, ctx: Ctx, what: string): string | undefined {
    const line = cmd.range.start.line + 1;
    if (ctx.conditional) return `${what} by line ${line} ${ctx.why ?? 'inside conditional code'}, which may not run`;
    if (sel && sel.kind !== 'substitution' && sel.kind !== 'variable') {
      const lit = this.src.literal(sel);
      if (lit !== undefined && /^\s*\d/.test(lit)) {
        if (st.snapshot === null) return `${what} by line ${line}, which uses item numbers with no \`print\` before them`;
        const refs = this.model.numberRefs!.filter((r) => r.command === cmd && r.range.start.offset >= sel.range.start.offset && r.range.end.offset <= sel.range.end.offset);
        const unknownRef = refs.find((r) => r.status === 'unknown');
        if (unknownRef) return `${what} by line ${line}, whose item number ${unknownRef.n} may be another rule: ${unknownRef.why}`;
      }
    }
    return undefined;
  }

  private markUncertain(r: Rule, why: string | undefined): void {
    if (why === undefined) return;
    (r.source.uncertain ??= []).push(why);
  }

  private selectorValue(sel: Argument, ctx: Ctx): Value | null | undefined {
    const v = sel.value;
    if (ctx.loopVar && v?.kind === 'variable' && (v as { name?: string }).name === ctx.loopVar.name) return ctx.loopVar.selector;
    return v;
  }

  private modify(st: TableState, verb: string, cmd: Command, ctx: Ctx): void {
    const sel = this.selectorArg(cmd);
    if (!sel) {
      this.unresolved(`${verb} without an item to change`, cmd.range, 'selector', cmd);
      return;
    }
    const selValue = this.selectorValue(sel, ctx);
    const rules = this.selectOrNote(st, selValue, cmd, verb, false, 'numbers', ctx);
    if (!rules) return;
    const why = this.uncertainty(st, cmd, selValue, ctx, 'changed');
    const { props, dynamic, unset } = this.collectProps(cmd, new Set(['numbers']));
    for (const r of rules) {
      r.source.edits.push(cmd);
      this.markUncertain(r, why);
      const dyn = new Set(r.dynamicProps ?? []);
      if (verb === 'disable') {
        r.props.disabled = 'yes';
        dyn.delete('disabled');
      } else if (verb === 'enable') {
        r.props.disabled = 'no';
        dyn.delete('disabled');
      } else if (verb === 'unset') {
        const vn = props['value-name'];
        if (vn !== undefined) for (const n of vn.split(',')) delete r.props[n.trim()];
      } else {
        for (const [k, v] of Object.entries(props)) {
          r.props[k] = v;
          if (dynamic.has(k)) dyn.add(k);
          else dyn.delete(k);
        }
        for (const k of unset) delete r.props[k];
      }
      r.dynamicProps = dyn.size > 0 ? [...dyn] : undefined;
      if (r.dynamicProps === undefined) delete r.dynamicProps;
      r.disabled = parseBool(r.props.disabled) === true;
    }
  }

  private remove(st: TableState, cmd: Command, ctx: Ctx): void {
    const sel = this.selectorArg(cmd);
    if (!sel) return;
    const selValue = this.selectorValue(sel, ctx);
    const clearsAll = selValue?.kind === 'substitution' && this.findsEverything(selValue);
    if (clearsAll && st.table.rules.length === 0) {
      this.cleared(st, ctx, cmd);
      return;
    }
    const rules = this.selectOrNote(st, selValue, cmd, 'remove', false, 'numbers', ctx);
    if (clearsAll) this.cleared(st, ctx, cmd);
    if (!rules) {
      // an unresolved removal (`*1A`, a computed selector) may take any rule, ours included
      if (selValue?.kind !== 'substitution') this.orderUnknown(st, `line ${cmd.range.start.line + 1} removes rules the script cannot name`);
      return;
    }
    const why = this.uncertainty(st, cmd, selValue, ctx, 'may be removed');
    if (why !== undefined) {
      // a removal that may not happen: the rule stays, marked (findings about it are hedged)
      for (const r of rules) {
        this.markUncertain(r, why);
        r.mayBeAbsent = true;
      }
      return;
    }
    const gone = new Set(rules);
    st.table.rules = st.table.rules.filter((r) => !gone.has(r));
    if (gone.size > 0) st.implicitStale = st.implicitLine !== undefined;
  }

  /** `[find]`, `[/ip firewall filter find]`, `[find dynamic=no]`: every static rule of the table. */
  private findsEverything(sub: Substitution): boolean {
    const stmts = (sub.statements ?? []).filter((x) => x);
    if (stmts.length !== 1 || stmts[0].kind !== 'command') return false;
    const c = stmts[0];
    const words = [...(c.path?.segments.map((x) => x.text) ?? []), ...(c.verb ? [c.verb.text] : [])];
    if (words[words.length - 1] !== 'find') return false;
    const args = c.args.map((a) => this.src.slice(a.range).replace(/\s+/g, '')).join(' ');
    return args === '' || /^(where )?(dynamic=no|!dynamic)$/.test(args);
  }

  /** `remove [find]`: from here on the table holds only what the script adds (when the removal is certain). */
  private cleared(st: TableState, ctx: Ctx, cmd: Command): void {
    const n = st.table.numbering!;
    if (ctx.conditional) {
      if (n.complete) this.orderUnknown(st, `line ${cmd.range.start.line + 1} may remove every rule (${ctx.why ?? 'conditional code'})`);
      return;
    }
    st.table.numbering = { complete: true, orderCertain: true };
    st.snapshot = null;
    st.snapshotKnown = 0;
    st.snapshotCmd = undefined;
    st.snapshotAll = undefined;
    st.implicitLine = undefined;
    st.implicitStale = false;
  }

  private orderUnknown(st: TableState, why: string): void {
    const n = st.table.numbering!;
    if (n.complete && n.orderCertain) st.table.numbering = { ...n, orderCertain: false, why };
  }

  private move(st: TableState, cmd: Command, ctx: Ctx): void {
    const pos = positional(cmd);
    const numbersArg = named(cmd, 'numbers') ?? pos[0];
    const destArg = named(cmd, 'destination') ?? (named(cmd, 'numbers') ? pos[0] : pos[1]);
    if (!numbersArg) return;
    const selValue = this.selectorValue(numbersArg, ctx);
    const rules = this.selectOrNote(st, selValue, cmd, 'move', false, 'numbers', ctx);
    if (!rules || rules.length === 0) {
      this.orderUnknown(st, `line ${cmd.range.start.line + 1} moves rules the script cannot name`);
      return;
    }
    const d = destArg ? this.selectOrNote(st, destArg.value, cmd, 'move destination', true, 'destination', ctx) : undefined;
    const why = this.uncertainty(st, cmd, selValue, ctx, 'moved') ?? (destArg ? this.uncertainty(st, cmd, destArg.value, ctx, 'moved') : undefined);
    if (why !== undefined) this.orderUnknown(st, why);
    st.implicitStale = st.implicitLine !== undefined;
    for (const r of rules) {
      r.source.edits.push(cmd);
      // a move that may not happen: applied and marked (findings that rest on it say "may")
      this.markUncertain(r, why);
    }
    let dest: Rule | undefined;
    if (destArg) {
      if (!d || d.length === 0) {
        for (const r of rules) r.positionKnown = false;
        this.orderUnknown(st, `line ${cmd.range.start.line + 1} moves rules to a place the script cannot name`);
        return;
      }
      dest = d[0];
    }
    const moving = new Set(rules);
    if (dest && moving.has(dest)) return; // moving before itself: no change
    const inOrder = st.table.rules.filter((r) => moving.has(r));
    const rest = st.table.rules.filter((r) => !moving.has(r));
    const at = dest ? rest.indexOf(dest) : rest.length;
    rest.splice(at < 0 ? rest.length : at, 0, ...inOrder);
    st.table.rules = rest;
  }

  private print(st: TableState, cmd: Command, ctx: Ctx): void {
    st.snapshotCmd = cmd;
    st.snapshotAll = [...st.table.rules];
    st.implicitLine = undefined;
    st.implicitStale = false;
    st.snapshotKnown = 0;
    st.snapshotWhy = st.table.numbering!.why;
    this.takeSnapshot(st, cmd);
    if (st.snapshot === 'unknown') {
      st.snapshotWhy = 'the print before it lists rules by a condition the script cannot evaluate';
    } else if (st.snapshot !== null && ctx.conditional) {
      st.snapshotWhy = `the print before it is ${ctx.why ?? 'inside conditional code'}, which may not run`;
    } else if (st.snapshot !== null && cmd.args.some((a) => a.name === null && ['all', 'dynamic'].includes(this.src.literal(a.value) ?? ''))) {
      st.snapshotWhy = 'that print also numbers the router\'s dynamic rules';
      if (cmd.args.some((a) => a.name === null && this.src.literal(a.value) === 'dynamic')) st.snapshot = 'unknown';
    } else if (st.snapshot !== null && !this.plainFilter(cmd)) {
      // `print where bytes>0`, `print src-address=...`: the model evaluates rule text, not counters or
      // abbreviations; only `chain=` and plain prints give numbers it trusts
      st.snapshotWhy = 'the print before it lists rules by a condition the script cannot evaluate for certain';
    } else if (st.snapshot !== null) {
      const k = this.knownPrefix(st, st.snapshot);
      st.snapshotKnown = k.count;
      if (k.why) st.snapshotWhy = k.why;
    }
  }

  /** A print with no condition but flags, or only `chain=NAME` / `where chain=NAME`. */
  private plainFilter(cmd: Command): boolean {
    const FLAGS = ['detail', 'terse', 'brief', 'without-paging', 'static', 'value-list'];
    const rest = cmd.args.filter((a) => !(a.name === null && FLAGS.includes(this.src.literal(a.value) ?? '')) && a.name?.text !== 'without-paging');
    const words = rest.map((a) => this.src.slice(a.range).replace(/\s+/g, ''));
    if (words.length === 0) return true;
    const cond = words[0] === 'where' ? words.slice(1) : words;
    return cond.length === 1 && /^chain="?[\w.-]+"?$/.test(cond[0]);
  }

  /** How many of `list`'s first rules have numbers the script knows, and why the next one has not. */
  private knownPrefix(st: TableState, list: Rule[]): { count: number; why?: string } {
    const n = st.table.numbering!;
    if (!n.complete || !n.orderCertain) return { count: 0, why: n.why };
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      const line = r.source.range.start.line + 1;
      if (r.source.conditional) return { count: i, why: `the rule of line ${line} before it may not exist (${r.source.uncertain?.[0] ?? 'conditional code'})` };
      if (r.mayBeAbsent) return { count: i, why: `the rule of line ${line} before it may have been removed` };
      if (!r.positionKnown) return { count: i, why: `the rule of line ${line} has a position the script cannot know` };
    }
    return { count: list.length };
  }

  /**
   * Records every item number of `v` (`5,6`, `2-4`, `3`) with the rule it refers to (model.numberRefs),
   * as far as the script can know it.
   */
  private recordNumbers(st: TableState, v: Value | null | undefined, cmd: Command, role: NumberRef['role'], ctx: Ctx): void {
    if (!v || (v.kind !== 'word' && v.kind !== 'string')) return;
    const lit = this.src.literal(v);
    if (lit === undefined || !/^[\d,\s-]+$/.test(lit)) return;
    const raw = this.src.slice(v.range);
    const base = v.range.start.offset;
    const key = `${st.table.family} ${st.table.name}`;
    const implicit = st.snapshot === null;
    const list = st.snapshot === null ? st.table.rules : st.snapshot === 'unknown' ? [] : st.snapshot;
    let known: number;
    let why: string | undefined;
    if (st.snapshot === 'unknown') {
      known = 0;
      why = st.snapshotWhy;
    } else if (implicit) {
      const k = this.knownPrefix(st, list);
      known = k.count;
      why = k.why;
      if (st.implicitStale && st.implicitLine !== undefined) {
        known = 0;
        why = `with no \`print\` since line ${st.implicitLine} (which used numbers too), RouterOS may still number the rules as they were then`;
      }
    } else {
      known = st.snapshotKnown;
      why = st.snapshotWhy;
    }
    const all = known === list.length && st.snapshot !== 'unknown' && !why;
    const re = /(\d+)(?:\s*-\s*(\d+))?/g;
    for (let m = re.exec(raw); m; m = re.exec(raw)) {
      const range = { start: this.src.lines.position(base + m.index), end: this.src.lines.position(base + m.index + m[0].length) };
      const lo = Number(m[1]);
      const hi = m[2] === undefined ? lo : Math.min(Number(m[2]), lo + 1000);
      for (let n = lo; n <= hi; n++) {
        const ref: NumberRef = { range, n, table: key, command: cmd, role, status: 'unknown', numbering: list, known };
        if (ctx.conditional) ref.conditional = true;
        if (!implicit && st.snapshotCmd) ref.print = st.snapshotCmd;
        if (n < known) {
          ref.rule = list[n];
          ref.status = st.table.rules.includes(list[n]) ? 'rule' : 'removed';
          // (a change that may not have run, e.g. a `disable` inside `:if`, leaves the state unknown)
          if (!list[n].dynamicProps?.includes('disabled') && !list[n].source.uncertain?.length) ref.disabledThen = list[n].disabled;
        } else if (all) {
          ref.status = 'none';
          ref.count = list.length;
          if (!implicit && st.snapshotAll) {
            const before = new Set(st.snapshotAll);
            const added = st.table.rules.filter((r) => !before.has(r));
            if (added.length > 0) ref.unnumbered = added;
          }
        } else {
          ref.why = why ?? 'the numbering is not known here';
        }
        this.model.numberRefs!.push(ref);
      }
    }
    if (implicit && st.implicitLine === undefined) st.implicitLine = cmd.range.start.line + 1;
  }

  private takeSnapshot(st: TableState, cmd: Command): void {
    const filterArgs = cmd.args.filter((a) => {
      const n = argName(a);
      return n === undefined || !['detail', 'terse', 'brief', 'without-paging', 'count-only', 'stats', 'all', 'follow', 'interval', 'file', 'as-value', 'show-ids', 'proplist'].includes(n);
    }).filter((a) => {
      const lit = a.name === null ? this.src.literal(a.value) : undefined;
      return !(lit !== undefined && ['detail', 'terse', 'brief', 'without-paging', 'count-only', 'stats', 'all', 'dynamic', 'static', 'value-list'].includes(lit));
    });
    if (filterArgs.length === 0) {
      st.snapshot = [...st.table.rules];
      return;
    }
    // `print chain=input` or `print where ...`: number only the listed rules.
    const start = filterArgs[0].range.start.offset;
    const end = filterArgs[filterArgs.length - 1].range.end.offset;
    try {
      const cond = parseFind(this.src.text.slice(start, end));
      st.snapshot = st.table.rules.filter((r) => cond(r));
    } catch {
      st.snapshot = 'unknown';
    }
  }

  /**
   * Resolves a selector value (numbers, `*ID`, `[find ...]`) to rules of this table. Notes an unresolved
   * entry and returns undefined when it refers to something the script did not create.
   * `single`: place-before / destination (one item, numbering still applies).
   */
  private selectOrNote(
    st: TableState,
    v: Value | null | undefined,
    cmd: Command,
    what: string,
    single = false,
    role?: NumberRef['role'],
    ctx?: Ctx,
  ): Rule[] | undefined {
    if (role && ctx) this.recordNumbers(st, v, cmd, role, ctx);
    try {
      const rules = this.select(st, v);
      if (rules.length === 0) throw new Unresolvable('matches nothing this script created (existing router config?)');
      return rules;
    } catch (e) {
      if (!(e instanceof Unresolvable)) throw e;
      const text = v ? this.src.slice(v.range) : '';
      this.unresolved(
        `${what} ${text}: ${e.message}${single ? '; the rule\'s position is unknown' : ''}`,
        v ? v.range : cmd.range,
        single ? 'position' : v && v.kind !== 'word' && v.kind !== 'substitution' ? 'dynamic' : 'selector',
        cmd,
      );
      return undefined;
    }
  }

  private numbering(st: TableState): Rule[] {
    if (st.snapshot === 'unknown') throw new Unresolvable('item numbers of a filtered print are not known');
    return st.snapshot ?? st.table.rules;
  }

  private select(st: TableState, v: Value | null | undefined): Rule[] {
    if (!v) throw new Unresolvable('no item given');
    if (v.kind === 'substitution') return this.selectFind(st, v);
    const lit = this.src.literal(v);
    if (lit === undefined) throw new Unresolvable('computed at run time');
    const out: Rule[] = [];
    for (const item of lit.split(',')) {
      const t = item.trim();
      if (t === '') continue;
      if (/^\*[0-9a-fA-F]+$/.test(t)) throw new Unresolvable('internal ids (*N) of rules are not known before they exist on the router');
      const m = /^(\d+)(?:-(\d+))?$/.exec(t);
      if (!m) throw new Unresolvable(`"${t}" is not an item number`);
      const numbering = this.numbering(st);
      const lo = Number(m[1]);
      const hi = m[2] === undefined ? lo : Number(m[2]);
      for (let n = lo; n <= hi; n++) {
        const r = numbering[n];
        if (!r) throw new Unresolvable(`no item number ${n} among the ${numbering.length} rules this script created`);
        if (!st.table.rules.includes(r)) throw new Unresolvable(`item ${n} was removed`);
        out.push(r);
      }
    }
    return out;
  }

  private selectFind(st: TableState, sub: Substitution): Rule[] {
    const stmts = sub.statements ?? [];
    if (stmts.length !== 1 || stmts[0].kind !== 'command') throw new Unresolvable('not a simple [find ...]');
    const c = stmts[0];
    const words = [...(c.path?.segments.map((s) => s.text) ?? []), ...(c.verb ? [c.verb.text] : [])];
    if (words[words.length - 1] !== 'find') throw new Unresolvable('not a [find ...] selector');
    if (words.length > 1) {
      const fam = words[0].replace(/^\//, '');
      // `[/ip firewall filter find ...]`: the menu's path and `find`
      if (words.length !== 4 || fam !== st.table.family || words[1] !== 'firewall' || words[2] !== st.table.name) {
        throw new Unresolvable('[find] of another menu');
      }
    }
    if (c.args.length === 0) return [...st.table.rules];
    const start = c.args[0].range.start.offset;
    const end = c.args[c.args.length - 1].range.end.offset;
    const cond = parseFind(this.src.text.slice(start, end));
    return st.table.rules.filter((r) => cond(r));
  }

  // -- lists -----------------------------------------------------------------------------------

  private addressList(family: Family, name: string): AddressList {
    const key = `${family} ${name}`;
    let l = this.model.addressLists.get(key);
    if (!l) {
      l = { family, name, entries: [], filledBy: [], usedBy: [] };
      this.model.addressLists.set(key, l);
    }
    return l;
  }

  private addressListAdd(family: Family, cmd: Command): void {
    const list = named(cmd, 'list');
    const listName = this.src.literal(list?.value);
    if (!listName) return;
    const addr = named(cmd, 'address');
    if (!addr || !addr.value) {
      this.addressList(family, listName); // `add list=x` alone: the list is mentioned, no entry
      return;
    }
    const address = this.src.prop(addr.value).text;
    const to = named(cmd, 'timeout');
    let timeout: AddressList['entries'][number]['timeout'];
    if (to) {
      const lit = this.src.literal(to.value);
      timeout = lit === undefined ? unknown(this.src.prop(to.value).text) : listTimeout(lit) ?? unknown(lit);
    }
    this.addressList(family, listName).entries.push({
      list: listName,
      address,
      timeout,
      disabled: parseBool(this.src.literal(named(cmd, 'disabled')?.value)) === true,
      command: cmd,
    });
  }

  private interfaceList(name: string): InterfaceList {
    let l = this.model.interfaceLists.get(name);
    if (!l) {
      l = { name, members: [], include: [], exclude: [] };
      this.model.interfaceLists.set(name, l);
    }
    return l;
  }

  private interfaceListAdd(cmd: Command): void {
    const name = this.src.literal(named(cmd, 'name')?.value);
    if (!name) return;
    const l = this.interfaceList(name);
    l.definedBy = cmd;
    const inc = this.src.literal(named(cmd, 'include')?.value);
    const exc = this.src.literal(named(cmd, 'exclude')?.value);
    if (inc) l.include.push(...inc.split(',').filter(Boolean));
    if (exc) l.exclude.push(...exc.split(',').filter(Boolean));
  }

  private interfaceListMember(cmd: Command): void {
    const list = this.src.literal(named(cmd, 'list')?.value);
    if (!list) return;
    const l = this.interfaceList(list);
    const ifArg = named(cmd, 'interface');
    const iface = this.src.literal(ifArg?.value);
    if (iface === undefined) l.unknownMembers = true;
    else if (!l.members.includes(iface)) l.members.push(iface);
  }

  private layer7Add(cmd: Command): void {
    const name = this.src.literal(named(cmd, 'name')?.value);
    if (!name) return;
    const re = named(cmd, 'regexp');
    this.model.layer7.set(name, { name, regexp: re ? this.src.prop(re.value).text : undefined, command: cmd });
  }

  private linkLists(): void {
    for (const table of this.model.tables.values()) {
      for (const r of table.rules) {
        if ((r.action === 'add-src-to-address-list' || r.action === 'add-dst-to-address-list') && r.addressList) {
          this.addressList(r.family, r.addressList).filledBy.push(r);
        }
        for (const n of [r.match.srcAddressList, r.match.dstAddressList]) {
          if (n && typeof n.value === 'string' && n.value !== '') this.addressList(r.family, n.value).usedBy.push(r);
        }
        for (const n of [r.match.inInterfaceList, r.match.outInterfaceList]) {
          if (n && typeof n.value === 'string' && n.value !== '') this.interfaceList(n.value);
        }
      }
    }
  }

  // -- positions -------------------------------------------------------------------------------

  private blockRange(cmd: Command): Range {
    const lines = this.src.lines;
    const text = this.src.text;
    const startLine = cmd.range.start.line;
    const endLine = lines.lineOf(Math.max(cmd.range.start.offset, cmd.range.end.offset - 1));
    const before = text.slice(lines.starts[startLine], cmd.range.start.offset);
    const after = text.slice(cmd.range.end.offset, lines.lineEnd(endLine));
    if (before.trim() !== '' || !(after.trim() === '' || after.trim().startsWith('#'))) {
      return cmd.range; // shares its line with other code: move exactly the command
    }
    let first = startLine;
    const comments = this.commentLines();
    while (first > 0 && comments.has(first - 1)) first--;
    return {
      start: lines.position(lines.starts[first]),
      end: lines.position(lines.lineEndInclusive(endLine)),
    };
  }

  private commentLineSet: Set<number> | undefined;
  /** Lines that hold only a comment. */
  private commentLines(): Set<number> {
    if (!this.commentLineSet) {
      this.commentLineSet = new Set();
      for (const c of this.parse.script?.comments ?? []) {
        if (c.trailing) continue;
        const line = c.range.start.line;
        const lines = this.src.lines;
        if (this.src.text.slice(lines.starts[line], c.range.start.offset).trim() === '') this.commentLineSet.add(line);
      }
    }
    return this.commentLineSet;
  }

  private unresolved(message: string, range: Range, kind: Unresolved['kind'], command?: Command): void {
    this.model.unresolved.push({ message, range, kind, command });
  }
}

function unknown(raw: string): Unknown {
  return { unknown: true, raw };
}

// ---------------------------------------------------------------------------------------------
// Structured fields from props

/** Recomputes a rule's structured fields (action, match, ...) from its props. */
export function derive(r: Rule, _src?: unknown): void {
  const p = r.props;
  const dyn = new Set(r.dynamicProps ?? []);
  r.chain = p.chain ?? '';
  r.action = dyn.has('action') ? p.action ?? 'accept' : (p.action ?? 'accept').toLowerCase();
  r.disabled = parseBool(p.disabled) === true;
  r.jumpTarget = p['jump-target'] || undefined;
  r.addressList = p['address-list'] || undefined;
  const to = p['address-list-timeout'];
  r.addressListTimeout = to === undefined || to === '' ? undefined : dyn.has('address-list-timeout') ? unknown(to) : listTimeout(to) ?? unknown(to);
  r.comment = p.comment;
  r.logPrefix = p['log-prefix'];
  const m: Match = { other: {} };
  for (const [name, raw] of Object.entries(p)) {
    if (isNonMatcher(name)) continue;
    if (raw === '' && !dyn.has(name)) continue; // `dst-address-type=""`: unset
    const isDyn = dyn.has(name);
    switch (name) {
      case 'protocol':
        m.protocol = neg(raw, isDyn, (t) => normalizeProtocol(t));
        break;
      case 'src-port':
        m.srcPort = neg(raw, isDyn, parsePortSet);
        break;
      case 'dst-port':
        m.dstPort = neg(raw, isDyn, parsePortSet);
        break;
      case 'port':
        m.anyPort = neg(raw, isDyn, parsePortSet);
        break;
      case 'src-address':
        m.srcAddress = neg(raw, isDyn, (t) => t);
        break;
      case 'dst-address':
        m.dstAddress = neg(raw, isDyn, (t) => t);
        break;
      case 'src-address-list':
        m.srcAddressList = neg(raw, isDyn, (t) => t);
        break;
      case 'dst-address-list':
        m.dstAddressList = neg(raw, isDyn, (t) => t);
        break;
      case 'in-interface':
        m.inInterface = neg(raw, isDyn, (t) => t);
        break;
      case 'out-interface':
        m.outInterface = neg(raw, isDyn, (t) => t);
        break;
      case 'in-interface-list':
        m.inInterfaceList = neg(raw, isDyn, (t) => t);
        break;
      case 'out-interface-list':
        m.outInterfaceList = neg(raw, isDyn, (t) => t);
        break;
      case 'connection-state':
        m.connectionState = neg(raw, isDyn, splitList);
        break;
      case 'connection-nat-state':
        m.connectionNatState = neg(raw, isDyn, splitList);
        break;
      case 'tcp-flags':
        // each flag may carry its own `!`: never a whole negation
        m.tcpFlags = isDyn ? { negated: false, value: unknown(raw) } : { negated: false, value: splitList(raw) };
        break;
      case 'packet-size':
        m.packetSize = neg(raw, isDyn, parseNumberRange);
        break;
      case 'layer7-protocol':
        m.layer7Protocol = neg(raw, isDyn, (t) => t);
        break;
      case 'psd':
        m.psd = raw;
        break;
      case 'connection-limit':
        m.connectionLimit = raw;
        break;
      case 'limit':
        m.limit = raw;
        break;
      case 'dst-limit':
        m.dstLimit = raw;
        break;
      case 'src-mac-address':
        m.srcMacAddress = neg(raw, isDyn, (t) => t.toUpperCase());
        break;
      case 'icmp-options':
        m.icmpOptions = neg(raw, isDyn, (t) => t);
        break;
      default:
        m.other[name] = raw;
    }
  }
  r.match = m;
}

function splitList(t: string): string[] {
  return t.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function neg<T>(raw: string, dynamic: boolean, parse: (t: string) => T | undefined): Neg<T> {
  let t = raw.trim();
  let negated = false;
  if (t.startsWith('!')) {
    negated = true;
    t = t.slice(1).trim();
  }
  if (dynamic) return { negated, value: unknown(t) };
  const v = parse(t);
  return { negated, value: v === undefined ? unknown(t) : v };
}

// ---------------------------------------------------------------------------------------------
// `[find ...]` / `print where ...` conditions

type Cond = (r: Rule) => boolean;

interface Tok {
  kind: 'word' | 'string' | 'op' | 'lparen' | 'rparen' | 'dynamic';
  text: string;
}

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c) || c === '\\') {
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < text.length) {
          s += text[j + 1];
          j += 2;
        } else if (text[j] === '$') {
          throw new Unresolvable('the condition uses a variable');
        } else s += text[j++];
      }
      out.push({ kind: 'string', text: s });
      i = j + 1;
      continue;
    }
    if (c === '$' || c === '[') throw new Unresolvable('the condition uses a value computed at run time');
    if (c === '(') {
      out.push({ kind: 'lparen', text: c });
      i++;
      continue;
    }
    if (c === ')') {
      out.push({ kind: 'rparen', text: c });
      i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '!=' || two === '&&' || two === '||' || two === '<=' || two === '>=') {
      out.push({ kind: 'op', text: two });
      i += 2;
      continue;
    }
    if ('=~!<>'.includes(c)) {
      out.push({ kind: 'op', text: c });
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && !/[\s=~!<>()"]/.test(text[j])) j++;
    out.push({ kind: 'word', text: text.slice(i, j) });
    i = j;
  }
  return out;
}

/** Property value of a rule as `find` sees it (RouterOS defaults filled in). */
function findValue(r: Rule, name: string): string | undefined {
  if ((r.dynamicProps ?? []).includes(name)) throw new Unresolvable(`${name} of a rule is computed at run time`);
  const v = r.props[name];
  if (v !== undefined) return v;
  switch (name) {
    case 'action':
      return 'accept';
    case 'disabled':
    case 'log':
    case 'dynamic':
    case 'invalid':
      return 'no';
    case 'log-prefix':
      return '';
    default:
      return undefined;
  }
}

function flagValue(r: Rule, name: string): boolean {
  switch (name) {
    case 'disabled':
      return parseBool(r.props.disabled) === true;
    case 'dynamic':
    case 'invalid':
    case 'builtin':
    case 'default':
      return false;
    case 'enabled':
      return parseBool(r.props.disabled) !== true;
    default:
      throw new Unresolvable(`unknown flag "${name}"`);
  }
}

function sameValue(name: string, ruleValue: string | undefined, want: string): boolean {
  if (ruleValue === undefined) return want === '';
  if (name === 'disabled' || name === 'log' || name === 'dynamic' || name === 'invalid') {
    return parseBool(ruleValue) === parseBool(want);
  }
  return ruleValue === want;
}

/** Parses the condition of `find` / `print` (`where` optional) into a predicate on rules. */
export function parseFind(text: string): Cond {
  const toks = tokenize(text);
  let i = 0;
  if (toks[0]?.kind === 'word' && toks[0].text === 'where') i++;
  const peek = () => toks[i];
  const isOr = (t?: Tok) => !!t && ((t.kind === 'word' && t.text === 'or') || (t.kind === 'op' && t.text === '||'));
  const isAnd = (t?: Tok) => !!t && ((t.kind === 'word' && t.text === 'and') || (t.kind === 'op' && t.text === '&&'));

  function orExpr(): Cond {
    let left = andExpr();
    while (isOr(peek())) {
      i++;
      const l = left;
      const r = andExpr();
      left = (x) => l(x) || r(x);
    }
    return left;
  }
  function andExpr(): Cond {
    let left = unary();
    for (;;) {
      const t = peek();
      if (!t || t.kind === 'rparen' || isOr(t)) break;
      if (isAnd(t)) i++;
      const l = left;
      const r = unary();
      left = (x) => l(x) && r(x);
    }
    return left;
  }
  function unary(): Cond {
    const t = peek();
    if (t && ((t.kind === 'op' && t.text === '!') || (t.kind === 'word' && t.text === 'not'))) {
      i++;
      const inner = unary();
      return (x) => !inner(x);
    }
    return primary();
  }
  function primary(): Cond {
    const t = toks[i++];
    if (!t) throw new Unresolvable('incomplete condition');
    if (t.kind === 'lparen') {
      const e = orExpr();
      if (peek()?.kind === 'rparen') i++;
      return e;
    }
    if (t.kind !== 'word') throw new Unresolvable(`unexpected "${t.text}" in the condition`);
    const name = t.text;
    const op = peek();
    if (op && op.kind === 'op' && ['=', '!=', '~', '<', '>', '<=', '>='].includes(op.text)) {
      i++;
      // `src-address-list=!x` compares with the text `!x`
      let prefix = '';
      if (peek()?.kind === 'op' && peek()!.text === '!') {
        prefix = '!';
        i++;
      }
      const v = toks[i++];
      if (!v || (v.kind !== 'word' && v.kind !== 'string')) throw new Unresolvable('missing value in the condition');
      const want = prefix + v.text;
      switch (op.text) {
        case '=':
          return (x) => sameValue(name, findValue(x, name), want);
        case '!=':
          return (x) => !sameValue(name, findValue(x, name), want);
        case '~': {
          let re: RegExp;
          try {
            re = new RegExp(want);
          } catch {
            throw new Unresolvable(`regular expression ${want} is not understood`);
          }
          return (x) => re.test(findValue(x, name) ?? '');
        }
        default: {
          const n = Number(want);
          if (!Number.isFinite(n)) throw new Unresolvable(`comparison ${op.text} on text`);
          return (x) => {
            const v2 = Number(findValue(x, name));
            if (!Number.isFinite(v2)) return false;
            return op.text === '<' ? v2 < n : op.text === '>' ? v2 > n : op.text === '<=' ? v2 <= n : v2 >= n;
          };
        }
      }
    }
    // a bare flag: `disabled`, `dynamic`
    flagValue({ props: {} } as unknown as Rule, name); // validates the flag name
    return (x) => flagValue(x, name);
  }
  const cond = orExpr();
  if (i < toks.length) throw new Unresolvable(`unexpected "${toks[i].text}" in the condition`);
  return cond;
}

/** The text and comment ranges a model was built from (for searches such as "is this list named elsewhere"). */
const sources = new WeakMap<FirewallModel, { text: string; comments: Range[] }>();

export function sourceOf(model: FirewallModel): { text: string; comments: Range[] } | undefined {
  return sources.get(model);
}

/** Builds the firewall model the script leaves behind. Never throws. */
export function buildModel(parse: ParseResult, text: string): FirewallModel {
  let model: FirewallModel;
  try {
    model = new ModelBuilder(parse, text).build();
  } catch (e) {
    // defensive: a bug here must not take the linter down
    model = { tables: new Map(), addressLists: new Map(), interfaceLists: new Map(), layer7: new Map(), unresolved: [] };
    model.unresolved.push({
      message: `internal error while building the firewall model: ${(e as Error).message}`,
      range: parse.script?.range ?? { start: { line: 0, column: 0, offset: 0 }, end: { line: 0, column: 0, offset: 0 } },
    });
  }
  sources.set(model, { text, comments: (parse.script?.comments ?? []).map((c) => c.range) });
  return model;
}
