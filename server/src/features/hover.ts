// Hover: what a property means and what it takes (from the command tree), what a name refers to
// (address list, chain, variable ...), and on a port-knocking rule the whole sequence with the client
// commands that perform it.

import type { Hover, Position as LspPosition } from 'vscode-languageserver-types';
import type { Argument, Command, ParseResult, Script } from '../parser/ast';
import type { FirewallModel, KnockSequence } from '../model/types';
import { anySchema, type Schema } from '../schema';
import { menuAt, walkScript } from '../schema/walk';
import type { CommandVisit } from '../schema/walk';
import { describeKnockSequence, describeKnockStage, knockClientCommands } from './knockClients';
import { indexNames, isBuiltinName, occurrenceAt } from './navigation';
import { lspRange, offsetAt } from './textPos';
import { numberHover } from './numberHover';

export interface HoverInput {
  parse: ParseResult;
  model?: FirewallModel;
  knocks?: KnockSequence[];
}

/** The innermost command whose range holds `offset`, with its menu. */
export function commandAt(parse: ParseResult, schema: Schema, offset: number): CommandVisit | undefined {
  // Only the top-level statement holding the offset is walked, from the menu current before it.
  const stmts = parse.script.statements;
  let lo = 0;
  let hi = stmts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (stmts[mid].range.start.offset <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0 || stmts[found].range.end.offset < offset) return undefined;
  const stmt = stmts[found];
  const piece: Script = { ...parse.script, statements: [stmt] };
  let best: CommandVisit | undefined;
  walkScript(
    piece,
    schema,
    {
      command(v) {
        const r = v.command.range;
        if (r.start.offset <= offset && offset <= r.end.offset) {
          if (!best || r.start.offset >= best.command.range.start.offset) best = v;
        }
      },
    },
    menuAt(parse.script, schema, stmt.range.start.offset),
  );
  return best;
}

const inRange = (r: { start: { offset: number }; end: { offset: number } } | undefined, o: number) =>
  !!r && r.start.offset <= o && o <= r.end.offset;

const KIND_TEXT = {
  'address-list': 'address list',
  'interface-list': 'interface list',
  chain: 'chain',
  layer7: 'layer7 protocol',
  script: 'script',
  variable: 'variable',
} as const;

export function hover(text: string, input: HoverInput, position: LspPosition, schema: Schema): Hover | null {
  const offset = offsetAt(text, position);
  const parse = input.parse;
  const v = commandAt(parse, schema, offset);
  const sections: string[] = [];
  let range = undefined as Hover['range'];

  // An item number (`move 0 3`, `numbers=5,6`, `place-before=3`): the rule it refers to.
  const num = input.model ? numberHover(input.model, offset) : undefined;
  if (num) {
    sections.push(num.text);
    range = lspRange(num.ref.range);
  }

  // A name: address list, chain, variable ...
  const index = indexNames(parse, schema, text);
  const occ = occurrenceAt(index, offset);
  if (occ) {
    const all = index.byKey.get(occ.key) ?? [];
    const defs = all.filter((o) => o.def);
    let head = `${KIND_TEXT[occ.kind]} \`${occ.name}\``;
    if (occ.kind === 'variable') head = `${occ.key.startsWith('variable global:') ? 'global' : 'local'} variable \`${occ.name}\``;
    else if (occ.family && occ.kind === 'address-list') head += ` (${occ.family})`;
    else if (occ.kind === 'chain') head += ` (${occ.family} ${occ.table})`;
    const facts: string[] = [];
    if (isBuiltinName(occ)) facts.push('builtin');
    if (defs.length > 0) {
      const lines = [...new Set(defs.map((d) => d.range.start.line + 1))];
      facts.push(`defined on line ${lines.slice(0, 5).join(', ')}${lines.length > 5 ? ', ...' : ''}`);
    } else if (!isBuiltinName(occ)) {
      facts.push('not defined in this file');
    }
    facts.push(`${all.length} occurrence${all.length === 1 ? '' : 's'}`);
    sections.push(`**${head}**: ${facts.join(', ')}`);
    range = occ.range;
  }

  if (v) {
    const cmd = v.command;
    const arg = cmd.args.find((a) => inRange(a.range, offset));
    if (occ || num) {
      // On a name the name's facts say more than the property's description; on a number, the rule it names.
    } else if (arg && arg.name && v.verb) {
      const prop = propertyHover(arg, v, schema, offset);
      if (prop) {
        sections.unshift(prop.text);
        range ??= lspRange(prop.range);
      }
    } else if (cmd.verb && inRange(cmd.verb.range, offset) && v.verb) {
      const where = v.global ? 'global command' : `command of \`/${v.menu.join(' ')}\``;
      const n = schema.argsOf(v.menu, v.verb).length;
      const note = v.global ? undefined : versionNote(schema, v.menu, v.verb);
      sections.unshift(`**${cmd.verb.text}**: ${where}${n ? ` (${n} arguments)` : ''}${note ? `\n\n${note}` : ''}`);
      range = lspRange(cmd.verb.range);
    } else if (cmd.path && inRange(cmd.path.range, offset)) {
      const seg = cmd.path.segments.find((s) => inRange(s.range, offset));
      if (seg) {
        const idx = cmd.path.segments.indexOf(seg);
        const upTo = schemaMenuUpTo(v, cmd, idx);
        const subs = schema.submenusOf(upTo);
        const note = versionNote(schema, upTo);
        sections.unshift(
          `**menu \`/${upTo.join(' ')}\`**${schema.isMenu(upTo) || note ? '' : ' (not in the RouterOS ' + schema.version + ' command tree)'}` +
            (note ? `\n\n${note}` : '') +
            (subs.length ? `\n\nsubmenus: ${subs.map((s) => `\`${s}\``).join(', ')}` : ''),
        );
        range = lspRange(seg.range);
      }
    }
    // The client commands go with the knock's own hover (on the command word or its path); a property of a
    // knock rule gets one line about the knock, not the 20 lines of client commands.
    const onHead = (!arg && !occ) || (!!cmd.verb && inRange(cmd.verb.range, offset));
    const knock = knockHover(cmd, input, onHead);
    if (knock) sections.push(knock);
  }
  if (sections.length === 0) return null;
  const out: Hover = { contents: { kind: 'markdown', value: sections.join('\n\n---\n\n') } };
  if (range) out.range = range;
  return out;
}

function schemaMenuUpTo(v: CommandVisit, cmd: Command, idx: number): string[] {
  // The menu the command runs in ends with the path's last segment (or the path is the menu change).
  const segs = cmd.path!.segments.length;
  const drop = segs - 1 - idx;
  return drop > 0 ? v.menu.slice(0, Math.max(0, v.menu.length - drop)) : v.menu;
}

/**
 * In which RouterOS versions an item exists, as a hover line: "since 7.21", "removed in 7.21",
 * "not in RouterOS 7.16" (the version the hover follows), "extra package".
 */
export function versionNote(schema: Schema, path: readonly string[], command?: string, arg?: string): string | undefined {
  const av = schema.availability(path, command, arg);
  if (!av) return undefined;
  const parts: string[] = [];
  if (av.since) parts.push(`since ${av.since}`);
  if (av.removedIn) parts.push(`removed in ${av.removedIn}`);
  if (av.package) parts.push('extra package');
  if (schema.version !== 'any' && !av.versions.includes(schema.version)) parts.push(`**not in RouterOS ${schema.version}**`);
  return parts.length ? `RouterOS: ${parts.join(' · ')}` : undefined;
}

function propertyHover(arg: Argument, v: CommandVisit, schema: Schema, offset: number) {
  const name = arg.name!.text;
  let info = schema.argInfo(v.menu, v.verb!, name);
  if (!info) info = schema.argInfo(v.menu, 'set', name) ?? schema.argInfo(v.menu, 'add', name);
  // A property of another version: described from the version that has it, marked as such.
  if (!info) info = anySchema().argInfo(v.menu, v.verb!, name);
  const note = info ? versionNote(schema, v.menu, v.verb!, name) ?? versionNote(schema, v.menu, 'set', name) : undefined;
  const desc = info?.desc ?? schema.propertyDesc(v.menu, name);
  if (!info && !desc) return undefined;
  const lines: string[] = [`**${name}**: \`/${v.menu.join(' ')} ${v.verb}\``];
  if (desc) lines.push(desc);
  const facts: string[] = [];
  if (info?.type) facts.push(`type: \`${info.type}\``);
  if (info?.negatable) facts.push('may be negated with `!`');
  if (info?.list) facts.push('comma-separated list');
  if (facts.length) lines.push(facts.join(' · '));
  if (note) lines.push(note);
  if (info?.enum?.length) {
    const shown = info.enum.slice(0, 30).map((e) => `\`${e.value}\``);
    lines.push(`values: ${shown.join(', ')}${info.enum.length > 30 ? `, ... (${info.enum.length})` : ''}`);
    // The value under the cursor, when the router describes it.
    if (arg.value && inRange(arg.value.range, offset) && arg.value.kind === 'word') {
      const word = arg.value.text.replace(/^!/, '');
      const e = info.enum.find((x) => x.value === word);
      if (e?.desc) lines.push(`\`${e.value}\`: ${e.desc}`);
    }
  }
  return { text: lines.join('\n\n'), range: arg.name!.range };
}

function sameCommand(a: Command | undefined, b: Command): boolean {
  return !!a && (a === b || (a.range.start.offset === b.range.start.offset && a.range.end.offset === b.range.end.offset));
}

function knockHover(cmd: Command, input: HoverInput, withClients: boolean): string | undefined {
  for (const seq of input.knocks ?? []) {
    const stage = seq.stages.find((s) => sameCommand(s.rule?.source?.command, cmd));
    const accept = seq.accepts.find((r) => sameCommand(r.source?.command, cmd));
    if (!stage && !accept) continue;
    const title = stage
      ? `**Port knocking**: ${describeKnockStage(seq, stage)}`
      : `**Port knocking**: admits clients that completed ${describeKnockSequence(seq)}`;
    if (!withClients) return `${title} (hover the command word for the client commands)`;
    const clients = knockClientCommands(seq, { layer7: input.model?.layer7 });
    const blocks = clients.map((c) => {
      const lang = c.client === 'powershell' ? 'powershell' : 'sh';
      const notes = c.notes.length ? `\n\n${c.notes.map((n) => `_${n}_`).join('  \n')}` : '';
      return `${c.label}:\n\`\`\`${lang}\n${c.command}\n\`\`\`${notes}`;
    });
    return `${title}\n\nKnock from a client (replace HOST with the router's address):\n\n${blocks.join('\n\n')}`;
  }
  return undefined;
}
