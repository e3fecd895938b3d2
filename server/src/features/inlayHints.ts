// Inlay hints: before each firewall rule's `add` command, the number RouterOS's `print` shows for that
// rule once the script has run (per table, across chains, disabled rules included: what `move 0 3`,
// `enable numbers=5,6`, `place-before=3`, `remove 2` and `set 4` refer to after a `print`). Only numbers
// the script can know (model/numbering.ts): a table the script did not empty also holds the router's own
// rules, so it gets no hints at all. Pure: lint result in, LSP InlayHint[] out.

import type { InlayHint, Range as LspRange } from 'vscode-languageserver-types';
import type { FirewallModel } from '../model/types';
import { mayListDynamic, printNumbers } from '../model/numbering';
import { lspRange } from './textPos';

export function tableTitle(key: string): string {
  const [family, name] = key.split(' ');
  return `/${family} firewall ${name}`;
}

export function ruleNumberHints(model: FirewallModel, range?: LspRange): InlayHint[] {
  const out: InlayHint[] = [];
  for (const [key, table] of model.tables) {
    const { numbers } = printNumbers(table);
    const dyn = mayListDynamic(table);
    for (const [rule, n] of numbers) {
      const cmd = rule.source.command;
      // the rule's own `add`, not a later command that mentions it (`copy-from` adds share nothing)
      if (!cmd || cmd.verb?.text !== 'add') continue;
      const at = lspRange(cmd.range).start;
      if (range && (at.line < range.start.line || at.line > range.end.line)) continue;
      const tooltip =
        `\`print\` in \`${tableTitle(key)}\` shows this rule as number ${n} after the script has run ` +
        '(counted across all chains, disabled rules included).' +
        (dyn ? ' RouterOS versions whose plain `print` also lists dynamic rules show the fasttrack counter rule as 0 and this one a number higher.' : '');
      out.push({ position: at, label: `#${n}`, paddingRight: true, tooltip: { kind: 'markdown', value: tooltip } });
    }
  }
  return out.sort((a, b) => a.position.line - b.position.line || a.position.character - b.position.character);
}
