// A readable, stable text dump of a parse result (used by the golden tests and for debugging).
// Positions print 1-based as `line:col` (like editors and the CLI); ranges as `start-end` (end exclusive).
import type { Argument, Expression, ParseResult, Range, Statement, StringLiteral, Value } from './ast';

function r(range: Range): string {
  return `${range.start.line + 1}:${range.start.column + 1}-${range.end.line + 1}:${range.end.column + 1}`;
}

function q(s: string): string {
  return JSON.stringify(s);
}

export function dumpParse(res: ParseResult): string {
  const out: string[] = [];
  out.push(`script ${r(res.script.range)}`);
  dumpStatements(res.script.statements, 1, out);
  for (const c of res.script.comments) out.push(`  comment ${r(c.range)}${c.trailing ? ' trailing' : ''} ${q(c.text)}`);
  if (res.errors.length === 0) out.push('errors: none');
  else {
    out.push('errors:');
    for (const e of res.errors) out.push(`  ${r(e.range)} ${e.message}`);
  }
  if (res.embeddedErrors && res.embeddedErrors.length > 0) {
    out.push('embedded errors:');
    for (const e of res.embeddedErrors) out.push(`  ${r(e.range)} ${e.message}`);
  }
  return out.join('\n') + '\n';
}

function pad(n: number): string {
  return '  '.repeat(n);
}

function dumpStatements(stmts: Statement[], depth: number, out: string[]): void {
  for (const s of stmts) {
    if (s.kind === 'block') {
      out.push(`${pad(depth)}block ${r(s.range)}${s.closed ? '' : ' UNCLOSED'}`);
      dumpStatements(s.statements, depth + 1, out);
      continue;
    }
    let head = `${pad(depth)}command ${r(s.range)}`;
    if (s.path) head += ` path=${s.path.absolute ? '/' : ''}${s.path.segments.map((w) => w.text).join('/')}@${r(s.path.range)}`;
    if (s.verb) head += ` verb=${s.verb.text}@${r(s.verb.range)}`;
    if (s.callee) head += ` callee=$${s.callee.name}@${r(s.callee.range)}`;
    out.push(head);
    for (const a of s.args) dumpArg(a, depth + 1, out);
  }
}

function dumpArg(a: Argument, depth: number, out: string[]): void {
  let head = `${pad(depth)}arg ${r(a.range)}`;
  if (a.negatedName) head += ' !';
  if (a.name) head += ` ${a.name.text}@${r(a.name.range)}`;
  if (a.equals) head += ` ${a.operator ?? '='}`;
  if (!a.value) {
    out.push(head);
    return;
  }
  out.push(head + ' ' + valueHead(a.value));
  dumpValueChildren(a.value, depth + 1, out);
}

function valueHead(v: Value | Expression): string {
  switch (v.kind) {
    case 'word':
      return `word ${q(v.text)} ${r(v.range)}`;
    case 'string':
      return `string ${r(v.range)} value=${q(v.value)}${v.constant ? '' : ' dynamic'}${v.embedded ? ' embedded' : ''}`;
    case 'variable':
      return `var ${v.quoted ? '"' + v.name + '"' : v.name} ${r(v.range)}`;
    case 'substitution':
      return `subst ${r(v.range)}${v.closed ? '' : ' UNCLOSED'}`;
    case 'paren':
      return `paren ${r(v.range)}${v.closed ? '' : ' UNCLOSED'}`;
    case 'code':
      return `code ${r(v.range)}${v.closed ? '' : ' UNCLOSED'}`;
    case 'array':
      return `array ${r(v.range)}${v.closed ? '' : ' UNCLOSED'}`;
    case 'negated':
      return `not ${r(v.range)}`;
    case 'binary':
      return `binary ${q(v.operator)} ${r(v.range)}`;
    case 'unary':
      return `unary ${q(v.operator)} ${r(v.range)}`;
  }
}

function dumpValueChildren(v: Value | Expression, depth: number, out: string[]): void {
  switch (v.kind) {
    case 'string':
      dumpString(v, depth, out);
      return;
    case 'substitution':
    case 'code':
      dumpStatements(v.statements, depth, out);
      return;
    case 'paren':
      if (v.expression) dumpExpr(v.expression, depth, out);
      return;
    case 'array':
      for (const e of v.elements) {
        const key = e.key ? (e.key.kind === 'word' ? e.key.text : q(e.key.value)) + '=' : '';
        if (!e.value) out.push(`${pad(depth)}element ${r(e.range)} ${key}(no value)`);
        else {
          out.push(`${pad(depth)}element ${r(e.range)} ${key}${valueHead(e.value)}`);
          dumpValueChildren(e.value, depth + 1, out);
        }
      }
      return;
    case 'negated':
      if (v.value) dumpExpr(v.value, depth, out);
      return;
    case 'binary':
      if (v.left) dumpExpr(v.left, depth, out);
      else out.push(`${pad(depth)}(missing)`);
      if (v.right) dumpExpr(v.right, depth, out);
      else out.push(`${pad(depth)}(missing)`);
      return;
    case 'unary':
      if (v.operand) dumpExpr(v.operand, depth, out);
      else out.push(`${pad(depth)}(missing)`);
      return;
    default:
      return;
  }
}

function dumpExpr(e: Expression | Value, depth: number, out: string[]): void {
  out.push(pad(depth) + valueHead(e));
  dumpValueChildren(e, depth + 1, out);
}

function dumpString(s: StringLiteral, depth: number, out: string[]): void {
  for (const p of s.parts) {
    if (p.kind === 'interpolation') {
      out.push(`${pad(depth)}interp ${valueHead(p.value)}`);
      dumpValueChildren(p.value, depth + 1, out);
    }
  }
  if (s.embedded) {
    out.push(`${pad(depth)}embedded ${r(s.embedded.range)}`);
    dumpStatements(s.embedded.statements, depth + 1, out);
    for (const c of s.embedded.comments) out.push(`${pad(depth + 1)}comment ${r(c.range)} ${q(c.text)}`);
  }
}
