// undefined-variable: `$name` with no `:local`, `:global`, loop variable or function parameter in scope.
// RouterOS compiles a script before running it and refuses one that uses an undeclared variable, so the
// whole script (or the imported line) does not run. The scope analysis and its precision rules are in
// util/variables.ts: globals declared anywhere in the file or the workspace count as declared, function
// bodies and event scripts (which receive variables from callers and from RouterOS) are never judged.

import type { Check, Fix } from './types';
import type { RawFinding } from './util/finding';
import { analyzeVariables } from './util/variables';
import { closeMatch } from './unknown-command';

const ID = 'undefined-variable';

export const undefinedVariable: Check = {
  id: ID,
  defaultSeverity: 'error',
  description: 'A `$name` with no `:local`, `:global`, loop variable or function parameter in scope: RouterOS refuses to run the script.',
  examples: {
    bad: ':local count 3\n:if ($count > 2) do={\n    :local msg "too many"\n}\n:log warning $msg\n',
    good: ':local count 3\n:local msg ""\n:if ($count > 2) do={\n    :set msg "too many"\n}\n:log warning $msg\n',
  },
  run(ctx) {
    // After a syntax error the tree is a guess (a string may have swallowed the rest of the file).
    if (ctx.parse.errors.length > 0) return [];
    const a = analyzeVariables(ctx.parse.script, ctx.env.workspaceGlobals);
    const out: RawFinding[] = [];
    for (const u of a.undefinedRefs) {
      const ref = u.ref;
      const shown = ref.quoted ? `$"${ref.name}"` : `$${ref.name}`;
      let message: string;
      const related: RawFinding['related'] = [];
      if (u.hidden) {
        const line = u.hidden.command.range.start.line + 1;
        const before = u.hidden.node.range.start.offset > ref.range.start.offset;
        message = before
          ? `${shown} is used before its :${u.hidden.kind === 'loop' ? 'foreach' : u.hidden.kind} on line ${line}: RouterOS refuses to run the script`
          : `${shown} is not visible here: it is declared on line ${line} inside a block that has ended (declare it before the block and :set it inside)`;
        related.push({ message: `${ref.name} is declared here`, range: u.hidden.node.range });
      } else {
        message = `${shown} is never declared: RouterOS refuses to run the script (declare it with :local, or with :global if another script sets it)`;
      }
      const fixes: Fix[] = [];
      const close = closeMatch(ref.name, u.visible.filter((n) => n !== ref.name));
      if (close && !ref.quoted && /^[A-Za-z_][A-Za-z0-9_]*$/.test(close)) {
        message += ` (did you mean $${close}?)`;
        fixes.push({
          title: `Change to $${close}`,
          safe: false,
          edits: [ref, ...u.more]
            .filter((r) => !r.quoted)
            .map((r) => ({ start: r.range.start.offset + 1, end: r.range.end.offset, newText: close })),
        });
      }
      for (const m of u.more) related.push({ message: `${shown} is read here too`, range: m.range });
      out.push({ rule: ID, message, range: ref.range, ...(related.length ? { related } : {}), ...(fixes.length ? { fixes } : {}) });
    }
    return out;
  },
};
