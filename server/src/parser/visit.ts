// The ONE description of what a value holds: its child values and the statement lists nested in it, per
// value kind. Every walker over the tree (parser/walk.ts, rules/util/commands.ts, unknown-command,
// rules/util/variables.ts) asks `valueChildren` instead of repeating a switch over value kinds, and maps the
// child's role (`via`) onto its own context (menu, scope, conditional ...).
//
// Depth: a script can nest `:if ... do={ }` ten thousand levels deep and still parse. The walkers here are
// iterative (an explicit stack), so nesting costs heap, not call stack; `walkCommandsDeep` visits every
// command in source order at any depth. A walker that must recurse (a scope analysis whose order matters)
// stops at MAX_NESTING and says nothing about the file rather than overflowing.
import type { Argument, Command, Expression, Statement, Value } from './ast';

/** Nesting (blocks, code, `[ ]`, `( )`, embedded scripts) beyond which a recursive walker gives up. */
export const MAX_NESTING = 400;

export type ValueChild =
  /** `do={ }` / `source={ }` code, `[ ]` commands, a script embedded in a string. */
  | { kind: 'statements'; statements: Statement[]; via: 'code' | 'substitution' | 'embedded' }
  /** `$(...)` in a string, `( )`, an array element, what `!` negates, an operator's operand. */
  | { kind: 'value'; value: Value | Expression; via: 'interpolation' | 'paren' | 'element' | 'negated' | 'operand' };

/** The direct children of `v` in source order (empty for words, numbers, variables, ...). */
export function valueChildren(v: Value | Expression | null | undefined): ValueChild[] {
  if (!v) return [];
  switch (v.kind) {
    case 'code':
      return v.statements ? [{ kind: 'statements', statements: v.statements, via: 'code' }] : [];
    case 'substitution':
      return v.statements ? [{ kind: 'statements', statements: v.statements, via: 'substitution' }] : [];
    case 'paren':
      return v.expression ? [{ kind: 'value', value: v.expression, via: 'paren' }] : [];
    case 'string': {
      const out: ValueChild[] = [];
      // a constant string has text parts only (and may not have built them yet)
      if (!v.constant) for (const p of v.parts ?? []) if (p.kind === 'interpolation' && p.value) out.push({ kind: 'value', value: p.value, via: 'interpolation' });
      if (v.embedded) out.push({ kind: 'statements', statements: v.embedded.statements, via: 'embedded' });
      return out;
    }
    case 'array': {
      const out: ValueChild[] = [];
      for (const e of v.elements ?? []) if (e.value) out.push({ kind: 'value', value: e.value, via: 'element' });
      return out;
    }
    case 'negated':
      return v.value ? [{ kind: 'value', value: v.value, via: 'negated' }] : [];
    case 'binary': {
      const out: ValueChild[] = [];
      if (v.left) out.push({ kind: 'value', value: v.left, via: 'operand' });
      if (v.right) out.push({ kind: 'value', value: v.right, via: 'operand' });
      return out;
    }
    case 'unary':
      return v.operand ? [{ kind: 'value', value: v.operand, via: 'operand' }] : [];
    default:
      return [];
  }
}

/** True for values valueChildren has nothing in (most arguments): the walk skips them without a task. */
function isLeaf(v: Value | Expression): boolean {
  switch (v.kind) {
    case 'word':
    case 'variable':
      return true;
    case 'string':
      return v.constant === true && !v.embedded;
    default:
      return false;
  }
}

type Task<C> = { kind: 'statements'; list: Statement[]; i: number; ctx: C } | { kind: 'value'; value: Value | Expression; ctx: C };

export interface DeepWalk<C> {
  /**
   * Sees each command with its context; returns the context of its arguments and, when the command changes
   * what its later siblings run in (a menu path on its own line), the context for them (`next`).
   */
  command(cmd: Command, ctx: C): { args: C; next?: C };
  /** The context of one argument's value (default: the command's `args` context). */
  arg?(a: Argument, args: C, cmd: Command): C;
  /** The context of a child: a value's child (see valueChildren) or a `{ }` block's statements. */
  enter?(child: ValueChild | { kind: 'statements'; statements: Statement[]; via: 'block' }, ctx: C): C;
}

/**
 * Every command under `statements`, nested ones included, in source order (a command before the commands
 * in its arguments), without recursion: any nesting depth costs heap, not call stack.
 */
export function walkCommandsDeep<C>(statements: Statement[], ctx: C, w: DeepWalk<C>): void {
  const stack: Array<Task<C>> = [{ kind: 'statements', list: statements, i: 0, ctx }];
  while (stack.length > 0) {
    const t = stack[stack.length - 1];
    if (t.kind === 'value') {
      stack.pop();
      const kids = valueChildren(t.value);
      for (let k = kids.length - 1; k >= 0; k--) {
        const c = kids[k];
        const cx = w.enter ? w.enter(c, t.ctx) : t.ctx;
        stack.push(c.kind === 'statements' ? { kind: 'statements', list: c.statements, i: 0, ctx: cx } : { kind: 'value', value: c.value, ctx: cx });
      }
      continue;
    }
    if (t.i >= t.list.length) {
      stack.pop();
      continue;
    }
    const st = t.list[t.i++];
    if (!st) continue;
    if (st.kind === 'block') {
      const cx = w.enter ? w.enter({ kind: 'statements', statements: st.statements, via: 'block' }, t.ctx) : t.ctx;
      stack.push({ kind: 'statements', list: st.statements, i: 0, ctx: cx });
      continue;
    }
    if (st.kind !== 'command') continue;
    const r = w.command(st, t.ctx);
    if (r.next !== undefined) t.ctx = r.next;
    const args = st.args ?? [];
    for (let k = args.length - 1; k >= 0; k--) {
      const a = args[k];
      if (a?.value && !isLeaf(a.value)) stack.push({ kind: 'value', value: a.value, ctx: w.arg ? w.arg(a, r.args, st) : r.args });
    }
  }
}
