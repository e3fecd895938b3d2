// knock-shadowed: an earlier enabled accept/drop/reject/tarpit on the packet's path matches every
// packet of a knock stage, so the stage never fires. Reported on the stage, naming the hiding rule.
// One finding per hiding rule, on the first stage it hides; the other stages and the final accept it
// hides too are related locations (knock-no-access leaves those accepts to this finding).
// Quick fix: move the whole knock (stages and hidden accepts, as blocks, comments included) above
// the hiding rule, so one fix makes the knock work.
// A knock packet opens a new connection, so a `drop connection-state=new` above hides it too.
// Also reported: a stage behind a jump none of its packets can take (`jump protocol=tcp` in front of
// UDP stages, a jump port list without the stage's port): it never fires either. No fix for that one
// (which of the two is wrong is the author's call).

import type { KnockSequence, Rule } from '../model/types';
import type { Check, Related, CheckContext } from './types';
import { fixes, fixOf, relatedRule, ruleFinding, type RawFinding } from './util/finding';
import { moveAboveEdits } from './util/move';
import { describeJump, hiderOf, jumpBlocking } from './util/path';
import { describeRule, DROP_ACTIONS, TERMINAL_ACTIONS } from './util/rules';
import { GOOD_KNOCK } from './util/examples';

export const knockShadowed: Check = {
  id: 'knock-shadowed',
  defaultSeverity: 'error',
  description:
    'An earlier accept, drop, reject or tarpit rule matches every packet of a knock stage, so the stage never fires.',
  examples: {
    bad: `/ip firewall filter
add chain=input action=drop in-interface-list=WAN comment="drop all from WAN"
add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s \\
    dst-port=7391 in-interface-list=WAN protocol=tcp comment="knock 1"
add chain=input action=add-src-to-address-list address-list=knock2 address-list-timeout=30s \\
    dst-port=4263 in-interface-list=WAN protocol=tcp src-address-list=knock1 comment="knock 2"
add chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m \\
    dst-port=9127 in-interface-list=WAN protocol=tcp src-address-list=knock2 comment="knock 3"
add chain=input action=accept in-interface-list=WAN src-address-list=secured comment="knocked"
`,
    good: GOOD_KNOCK,
  },
  run(ctx) {
    const out: RawFinding[] = [];
    for (const seq of ctx.knocks) {
      // One problem, one diagnostic: every stage (and final accept) one rule hides is one finding,
      // on the first hidden stage, with the others as related locations.
      const byHider = new Map<Rule, Rule[]>();
      const byJump = new Map<Rule, { block: NonNullable<ReturnType<typeof jumpBlocking>>; rules: Rule[] }>();
      for (const stage of seq.stages) {
        if (stage.rule.disabled) continue;
        const hider = hiderOf(stage.rule, ctx.model, TERMINAL_ACTIONS);
        if (hider) {
          const list = byHider.get(hider) ?? [];
          list.push(stage.rule);
          byHider.set(hider, list);
          continue;
        }
        const block = jumpBlocking(stage.rule, ctx.model);
        if (block) {
          const same = byJump.get(block.jump);
          if (same) same.rules.push(stage.rule);
          else byJump.set(block.jump, { block, rules: [stage.rule] });
        }
      }
      for (const { block, rules } of byJump.values()) {
        const [first, ...others] = rules;
        const why = block.conditions.length > 0 ? ` (it requires ${block.conditions.join(' ')})` : '';
        const also = others.length > 0 ? `; nor any packet of ${others.length === 1 ? 'stage' : 'stages'} ${others.map((r) => `"${stageList(seq, r)}"`).join(', ')}` : '';
        out.push(
          ruleFinding(
            this.id,
            first,
            `knock stage "${stageList(seq, first)}" never fires: ${describeJump(block.jump)} admits none of its packets${why}${also}`,
            {
              related: [
                relatedRule(block.jump, 'no packet of the knock stage can take this jump'),
                ...others.map((r) => relatedRule(r, `knock stage "${stageList(seq, r)}", behind the same jump`)),
              ],
            },
          ),
        );
      }
      for (const [hider, rules] of byHider) {
        const accepts = hiddenAccepts(ctx, seq, hider);
        const fix = moveFix(ctx, seq.stages.map((s) => s.rule), accepts, hider);
        const [first, ...others] = rules;
        const also: string[] = [];
        if (others.length > 0) also.push(`${others.length === 1 ? 'stage' : 'stages'} ${others.map((r) => `"${stageList(seq, r)}"`).join(', ')}`);
        if (accepts.length > 0) also.push(`the accept for "${seq.finalList}"`);
        const related: Related[] = [{ ...relatedRule(hider, `this ${hider.action} rule matches every packet of the knock stage`), cause: true }];
        for (const r of others) related.push(relatedRule(r, `knock stage "${stageList(seq, r)}", hidden by the same rule`));
        for (const a of accepts) related.push(relatedRule(a, `the accept for "${seq.finalList}", hidden by the same rule`));
        out.push(
          ruleFinding(
            this.id,
            first,
            `knock stage "${stageList(seq, first)}" never fires: the ${hider.action} rule ${describeRule(hider)} ` +
              `above it matches all of its packets${newOnly(hider) ? ' (each knock opens a new connection)' : ''}` +
              (also.length > 0 ? `; it also hides ${also.join(' and ')}` : ''),
            { related, ...fixes(fix) },
          ),
        );
      }
    }
    return out;
  },
};

/**
 * The enabled accepts for the knock's final list that `hider` hides too (the drop above the whole
 * knock): part of this finding and of its fix, so knock-no-access does not report them again.
 */
export function hiddenAccepts(ctx: CheckContext, seq: KnockSequence, hider: Rule): Rule[] {
  if (!DROP_ACTIONS.has(hider.action)) return [];
  return seq.accepts.filter((a) => !a.disabled && a.positionKnown && hiderOf(a, ctx.model, DROP_ACTIONS) === hider);
}

/** True when `drop` hides an enabled stage of `seq` (knock-shadowed reports the accepts it hides). */
export function hidesStage(ctx: CheckContext, seq: KnockSequence, drop: Rule): boolean {
  return seq.stages.some((s) => !s.rule.disabled && hiderOf(s.rule, ctx.model, TERMINAL_ACTIONS) === drop);
}

/** The hider matches only by connection-state (`drop connection-state=new ...`). */
function newOnly(hider: Rule): boolean {
  return hider.match.connectionState !== undefined || hider.match.tcpFlags !== undefined;
}

function stageList(seq: { stages: Array<{ rule: Rule; list: string }> }, rule: Rule): string {
  return seq.stages.find((s) => s.rule === rule)?.list ?? '';
}

/**
 * Move the whole knock above the hiding rule: the stages of the hider's chain and the accepts it hides
 * too, in their order, so one fix clears the problem. When the hider sits in the chain that jumps
 * into the stages' custom chain, move the jump(s) instead.
 */
function moveFix(ctx: CheckContext, stages: Rule[], accepts: Rule[], hider: Rule) {
  const sameChain = stages.filter((s) => s.chain === hider.chain && s.table === hider.table && s.family === hider.family);
  if (sameChain.length > 0) {
    const moving = [...sameChain, ...accepts.filter((a) => a.chain === hider.chain && a.table === hider.table)];
    const edits = moveAboveEdits(ctx.text, ctx.parse.script, ctx.model, moving, hider);
    const title = moving.length > sameChain.length ? 'Move the knock (stages and accept) above the rule that hides it' : 'Move the knock stages above the rule that hides them';
    return fixOf(title, true, edits);
  }
  const chain = stages[0]?.chain;
  const table = ctx.model.tables.get(`${hider.family} ${hider.table}`);
  if (!chain || !table) return undefined;
  const jumps = table.rules.filter((r) => r.chain === hider.chain && r.action === 'jump' && r.jumpTarget === chain);
  if (jumps.length === 0) return undefined;
  const moving = [...jumps, ...accepts.filter((a) => a.chain === hider.chain && a.table === hider.table)];
  const edits = moveAboveEdits(ctx.text, ctx.parse.script, ctx.model, moving, hider);
  return fixOf(`Move the jump to chain ${chain} above the rule that hides the knock stages`, true, edits);
}
