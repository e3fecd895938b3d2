// What a script means, as a plain comparable value: every command in run order with the menu it runs
// in, its verb and its arguments' values (decoded strings, not their spelling; no positions). Two
// texts with equal meaning keys run the same commands. Bare menu changes (`/ip firewall filter` on
// its own line) are left out: their effect is already in the menus of the commands after them.
//
// The formatter checks its own output against this before handing it out (a formatter bug then
// leaves the text alone instead of changing what the script does), and the corpus test uses it.

import type { ArrayElement, Command, Expression, Script, Statement, Value } from '../parser/ast';
import { parse } from '../parser';
import { resolveMenu } from '../parser/walk';

/** The meaning of `text` as one string (equal strings: same commands, menus and values). */
export function meaningKey(text: string): string {
  const res = parse(text);
  return scriptKey(res.script);
}

export function scriptKey(script: Script): string {
  const out: string[] = [];
  statements(script.statements, [], out);
  return out.join('\n');
}

function isMenuChange(cmd: Command): boolean {
  return !!cmd.path && !cmd.verb && !cmd.callee && cmd.args.length === 0;
}

function statements(stmts: Statement[], menu0: string[], out: string[]): void {
  let menu = menu0;
  for (const s of stmts) {
    if (s.kind === 'block') {
      out.push('{');
      statements(s.statements, menu, out);
      out.push('}');
      continue;
    }
    const cmdMenu = resolveMenu(s, menu);
    if (isMenuChange(s)) {
      menu = cmdMenu;
      continue;
    }
    out.push(command(s, cmdMenu));
  }
}

function command(c: Command, menu: string[]): string {
  // a global command (`:put`, `:local`) is the same in every menu; commands nested in it carry their own
  const global = !c.path && !!c.verb && c.verb.text.startsWith(':');
  const parts: string[] = [global ? '' : '/' + menu.join('/'), c.verb ? c.verb.text : '', c.callee ? '$' + c.callee.name : ''];
  for (const a of c.args) {
    parts.push(
      `${a.negatedName ? '!' : ''}${a.name ? a.name.text : ''}${a.operator ?? (a.equals ? '=' : '')}${a.value ? value(a.value, menu) : ''}`,
    );
  }
  return JSON.stringify(parts);
}

function value(v: Value | Expression, menu: string[]): string {
  switch (v.kind) {
    case 'word':
      return `w(${v.text})`;
    case 'string': {
      const emb = v.embedded ? `<${scriptKey(v.embedded)}>` : '';
      if (v.constant) return `s(${JSON.stringify(v.value)})${emb}`;
      // a string with interpolations: its text parts and the interpolated values
      // (adjacent text parts joined, empty ones dropped: a continuation may split or start the text)
      const parts: string[] = [];
      let txt = '';
      for (const p of v.parts) {
        if (p.kind === 'text') txt += p.text;
        else {
          if (txt !== '') parts.push(JSON.stringify(txt));
          txt = '';
          parts.push(value(p.value, menu));
        }
      }
      if (txt !== '') parts.push(JSON.stringify(txt));
      return `s[${parts.join(',')}]${emb}`;
    }
    case 'variable':
      return `v(${v.quoted ? '"' : ''}${v.name})`;
    case 'substitution': {
      const out: string[] = [];
      statements(v.statements, menu, out);
      return `[${out.join(';')}${v.closed ? ']' : ''}`;
    }
    case 'code': {
      const out: string[] = [];
      statements(v.statements, menu, out);
      return `{${out.join(';')}${v.closed ? '}' : ''}`;
    }
    case 'paren':
      return `(${v.expression ? value(v.expression, menu) : ''}${v.closed ? ')' : ''}`;
    case 'array':
      return `a{${v.elements.map((e) => element(e, menu)).join(';')}${v.closed ? '}' : ''}`;
    case 'negated':
      return `!${v.value ? value(v.value, menu) : ''}`;
    case 'binary':
      return `b(${v.left ? value(v.left, menu) : ''} ${v.operator} ${v.right ? value(v.right, menu) : ''})`;
    case 'unary':
      return `u(${v.operator} ${v.operand ? value(v.operand, menu) : ''})`;
    default:
      return '?';
  }
}

function element(e: ArrayElement, menu: string[]): string {
  const k = e.key ? (e.key.kind === 'word' ? e.key.text : JSON.stringify(e.key.value)) : '';
  return `${k}=${e.value ? value(e.value, menu) : ''}`;
}
