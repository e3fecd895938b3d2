// Signature help inside a command: every argument the command takes in RouterOS's command tree (required ones
// first where the tree marks them, then the ones a rule is usually read by, then the rest alphabetically), each
// with its type or range, the one under the cursor highlighted. Pure: text + parse + position + schema in, an LSP SignatureHelp out.
//
// Shown for menu commands with arguments (`/ip firewall filter add ...`); global commands and commands the tree
// does not know get none (better nothing than a wrong list).

import type { SignatureHelp, Position as LspPosition, ParameterInformation } from 'vscode-languageserver-types';
import type { ParseResult } from '../parser/ast';
import type { ArgInfo, Schema } from '../schema';
import { commandAt } from './hover';
import { offsetAt } from './textPos';

/** Most-used first: the arguments a firewall rule is read by, then the rest alphabetically. */
const FIRST = ['chain', 'action', 'protocol', 'src-address', 'dst-address', 'dst-port', 'src-port', 'in-interface', 'in-interface-list', 'out-interface', 'out-interface-list', 'connection-state', 'src-address-list', 'dst-address-list', 'address-list', 'address-list-timeout', 'jump-target', 'name', 'address', 'list', 'interface', 'comment', 'disabled'];

function orderArgs(args: readonly ArgInfo[]): ArgInfo[] {
  const rank = (a: ArgInfo) => {
    if ((a as ArgInfo & { required?: boolean }).required) return -1;
    const i = FIRST.indexOf(a.name);
    return i < 0 ? FIRST.length : i;
  };
  return [...args].sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function argLabel(a: ArgInfo): string {
  const t = a.range ?? a.type;
  if (t) return `${a.name}=<${shortType(t)}>`;
  if (a.enum?.length) return `${a.name}=<${a.enum.slice(0, 3).map((e) => e.value).join('|')}${a.enum.length > 3 ? '|…' : ''}>`;
  return `${a.name}=`;
}

function shortType(t: string): string {
  const s = t.replace(/\s*\(.*\)$/, '').trim() || t;
  return s.length > 40 ? s.slice(0, 37) + '...' : s;
}

/** Which argument the cursor is in: the named one it is on, or the name being typed before `=`. */
function currentArgName(text: string, offset: number, cmdStart: number): string | undefined {
  let i = offset;
  while (i > cmdStart && /[A-Za-z0-9.\-=!]/.test(text[i - 1] ?? '')) i--;
  const word = text.slice(i, offset);
  let name = word.replace(/^!/, '').split('=')[0];
  // inside an existing name (`addr|ess-list-timeout=`): the whole name, not the part before the cursor
  if (!word.includes('=')) {
    let j = offset;
    while (j < text.length && /[A-Za-z0-9.\-]/.test(text[j])) j++;
    if (text[j] === '=') name += text.slice(offset, j);
  }
  return name || undefined;
}

export function signatureHelp(text: string, parse: ParseResult, position: LspPosition, schema: Schema): SignatureHelp | null {
  const offset = offsetAt(text, position);
  // After a trailing blank (`add chain=input |`) the command ends before the cursor: take the command the blanks
  // follow on the same line.
  let at = offset;
  while (at > 0 && (text[at - 1] === ' ' || text[at - 1] === '\t')) at--;
  const v = commandAt(parse, schema, offset) ?? (at < offset ? commandAt(parse, schema, at) : undefined);
  if (!v || v.global || !v.verb || v.menuChange) return null;
  const cmd = v.command;
  // Only after the command word: on the path or the verb itself completion is the better help.
  const head = cmd.verb ?? cmd.path;
  if (!head || offset <= head.range.end.offset) return null;
  const args = schema.argsOf(v.menu, v.verb).filter((a) => !a.name.startsWith('.'));
  if (args.length === 0) return null;
  const ordered = orderArgs(args);
  const parameters: ParameterInformation[] = [];
  const labels: string[] = [];
  let label = `${v.verb}`;
  for (const a of ordered) {
    const l = argLabel(a);
    const start = label.length + 1;
    label += ` ${l}`;
    labels.push(l);
    const doc: string[] = [];
    if (a.desc) doc.push(a.desc);
    if (a.type) doc.push(`type: ${a.type}`);
    if (a.negatable) doc.push('may be negated with `!`');
    if (a.enum?.length) doc.push(`values: ${a.enum.slice(0, 12).map((e) => e.value).join(', ')}${a.enum.length > 12 ? ', ...' : ''}`);
    parameters.push({ label: [start, start + l.length], documentation: doc.length ? { kind: 'markdown', value: doc.join('\n\n') } : undefined });
  }
  const current = currentArgName(text, offset, cmd.range.start.offset);
  const active = current ? ordered.findIndex((a) => a.name === current || (current.length >= 2 && a.name.startsWith(current))) : -1;
  return {
    signatures: [{ label, documentation: `/${v.menu.join(' ')} ${v.verb}: ${ordered.length} arguments`, parameters }],
    activeSignature: 0,
    activeParameter: active >= 0 ? active : undefined,
  };
}
