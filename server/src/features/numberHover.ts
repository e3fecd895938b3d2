// Hover on an item number in `move`, `enable`, `disable`, `remove`, `set`, `comment`, `unset`,
// `place-before=`, `destination=`, `copy-from=` and `numbers=` of a firewall table: which rule the number
// refers to (its line and comment), or why the script cannot know (the router's own rules are numbered
// too). Reads model.numberRefs (build.ts); pure.

import type { FirewallModel, NumberRef, Rule } from '../model/types';
import { mayListDynamic } from '../model/numbering';
import { tableTitle } from './inlayHints';

export function describeRule(r: Rule): string {
  const line = r.source.range.start.line + 1;
  // props, not the derived fields: a rule removed by the script was never derived
  const what = [`chain=${r.chain || r.props.chain || '?'}`, `action=${r.props.action ?? r.action}`, ...(r.disabled ? ['disabled=yes'] : [])].join(' ');
  const comment = r.comment ?? r.props.comment;
  return `line ${line}${comment ? ` ("${comment}")` : ''}: \`${what}\``;
}

export function numberRefsAt(model: FirewallModel, offset: number): NumberRef[] {
  return (model.numberRefs ?? []).filter((r) => r.range.start.offset <= offset && offset <= r.range.end.offset);
}

function numberingOf(ref: NumberRef): string {
  return ref.print ? `the numbers of the \`print\` on line ${ref.print.range.start.line + 1}` : 'no `print` before it: numbered as a `print` here would show the table';
}

/** One line per number of the refs (a range `2-4` gives three). */
export function describeRef(ref: NumberRef, model: FirewallModel): string {
  const head = `item ${ref.n}`;
  switch (ref.status) {
    case 'rule':
      return `${head}: the rule of ${describeRule(ref.rule!)}`;
    case 'removed':
      return `${head}: the rule of ${describeRule(ref.rule!)}, which an earlier command removed (RouterOS reports "no such item")`;
    case 'none': {
      const count = ref.count ?? 0;
      const added = ref.unnumbered?.length
        ? `; the rules added after that print (line ${ref.unnumbered.map((r) => r.source.range.start.line + 1).join(', ')}) have no number until the next \`print\``
        : '';
      const table = model.tables.get(ref.table);
      const dyn = table && mayListDynamic(table) ? ' (unless the RouterOS version also numbers the dynamic fasttrack counter rule)' : '';
      return `${head}: refers to no rule${dyn}: ${count === 0 ? 'no rule is numbered' : `only ${count} rule${count === 1 ? ' is' : 's are'} numbered (0-${count - 1})`}${added}`;
    }
    default:
      return `${head}: may refer to a rule the router had before the script: ${ref.why ?? 'the numbering is not known here'}`;
  }
}

export function numberHover(model: FirewallModel, offset: number): { text: string; ref: NumberRef } | undefined {
  const refs = numberRefsAt(model, offset);
  if (refs.length === 0) return undefined;
  const first = refs[0];
  const lines = refs.slice(0, 20).map((r) => `- ${describeRef(r, model)}`);
  if (refs.length > 20) lines.push(`- ... ${refs.length - 20} more`);
  return {
    ref: first,
    text: `**item number in \`${tableTitle(first.table)}\`** (${numberingOf(first)})\n\n${lines.join('\n')}`,
  };
}
