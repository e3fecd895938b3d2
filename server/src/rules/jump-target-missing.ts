// jump-target-missing: an enabled `action=jump` whose `jump-target=` names a chain no rule of that table
// defines. The jump then does nothing (an empty chain returns at once), which is never what the author
// meant: usually a typo or a chain that was renamed or removed.
//
// Silent when it cannot be proven: the jump is inside `:if`/loops, its target is computed at run time,
// the chain is one the router makes (hotspot), or the script changes rules it did not create (the
// router's table holds rules we do not see, which may define the chain), or another file of the workspace
// defines the chain (the language server's index, env.workspaceChains). A fragment (the file adds rules only to
// built-in chains and is no `/export`: the chains may live in a sibling file) gets a hedged info instead of the
// error (model/chains.ts fragmentTable).
// Suggestion (not safe): jump to the existing chain with the closest name, when one is close.

import type { Check } from './types';
import { closestChain, fragmentTable, missingTargets, tableChains, workspaceTargets } from '../model/chains';
import { setPropertyEdit } from './util/edit';
import { fixes, fixOf, relatedRule, ruleFinding, type RawFinding } from './util/finding';

export const jumpTargetMissing: Check = {
  id: 'jump-target-missing',
  defaultSeverity: 'error',
  description: 'A jump to a chain that no rule of the same table defines: the jump does nothing.',
  examples: {
    bad:
      '/ip firewall filter\n' +
      'add chain=input action=accept connection-state=established,related\n' +
      'add chain=input action=jump jump-target=from-wan in-interface-list=WAN\n' +
      'add chain=from_wan action=accept protocol=icmp\n' +
      'add chain=from_wan action=drop\n',
    good:
      '/ip firewall filter\n' +
      'add chain=input action=accept connection-state=established,related\n' +
      'add chain=input action=jump jump-target=from-wan in-interface-list=WAN\n' +
      'add chain=from-wan action=accept protocol=icmp\n' +
      'add chain=from-wan action=drop\n',
  },
  run(ctx) {
    const out: RawFinding[] = [];
    for (const tc of tableChains(ctx.model, ctx.parse.script).values()) {
      const fragment = fragmentTable(tc, ctx.parse.script);
      for (const [target, jumps] of missingTargets(tc, workspaceTargets(tc, ctx.env.workspaceChains))) {
        const close = closestChain(target, tc);
        for (const j of jumps) {
          const menu = `/${j.family} firewall ${j.table}`;
          const edit = close ? setPropertyEdit(j, 'jump-target', close.name, ctx.model) : undefined;
          const hint = close ? ` (did you mean "${close.name}"?)` : '';
          if (fragment) {
            // Only built-in chains here and no /export header: the chain may be in another file.
            out.push(
              ruleFinding(this.id, j, `this jump goes to chain "${target}", which this file does not define (it adds no chain of its own to ${menu}): unless another file adds rules to it, the jump does nothing`, {
                severity: 'info',
              }),
            );
            continue;
          }
          out.push(
            ruleFinding(this.id, j, `this jump goes to chain "${target}", which no rule of ${menu} defines: the jump does nothing${hint}`, {
              ...(close ? { related: [relatedRule(close.first, `chain "${close.name}" starts here`)] } : {}),
              ...fixes(fixOf(`Jump to chain "${close?.name}"`, false, close && edit ? [edit] : undefined)),
            }),
          );
        }
      }
    }
    return out;
  },
};

