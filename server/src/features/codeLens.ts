// Code lenses: above each knock sequence "Simulate | Knock | 3 stages, 30 s per step" and above the first rule of each
// firewall chain "input: 12 rules, 2 unreachable" (the unreachable count from the lint's `rule-unreachable`
// findings, so the lens and the squiggles cannot disagree). Pure: lint result in, LSP CodeLens[] out.
//
// The Simulate and Knock lenses run the VS Code extension's commands with the sequence's number; other editors
// have no such commands, so they get the informational lenses only (a lens with an empty command is a label).

import type { CodeLens } from 'vscode-languageserver-types';
import type { LintResult } from '../lint';
import type { Rule } from '../model/types';
import { formatTimeout } from './knockClients';
import { lspRange } from './textPos';

export interface CodeLensOptions {
  /** The client is VS Code with this extension (the knock commands exist). */
  vscode: boolean;
}

const label = (title: string): CodeLens['command'] => ({ title, command: '' });

function headRange(r: Rule) {
  const s = r.source.range.start;
  return lspRange({ start: s, end: s });
}

export function codeLenses(result: LintResult, options: CodeLensOptions): CodeLens[] {
  const out: CodeLens[] = [];
  result.knocks.forEach((seq, i) => {
    const first = seq.stages.map((s) => s.rule).filter((r) => r?.source?.range).sort((a, b) => a.source.range.start.offset - b.source.range.start.offset)[0];
    if (!first) return;
    const range = headRange(first);
    const inter = seq.stages.slice(0, -1).map((s) => formatTimeout(s.timeout));
    const timing = inter.length === 0 ? '' : inter.every((t) => t === inter[0]) ? `, ${inter[0]} per step` : `, ${inter.join(' / ')}`;
    const summary = `${seq.stages.length} stage${seq.stages.length === 1 ? '' : 's'}${timing}`;
    if (options.vscode) {
      out.push({ range, command: { title: 'Simulate', command: 'routeros.simulateKnock', arguments: [{ sequence: i + 1 }] } });
      out.push({ range, command: { title: 'Knock', command: 'routeros.knock', arguments: [{ sequence: i + 1 }] } });
    }
    out.push({ range, command: label(`Port knocking: ${summary}`) });
  });

  const unreachable = new Set<number>();
  for (const f of result.findings) {
    if (f.rule === 'rule-unreachable') unreachable.add(f.range.start.offset);
    // an unreachable rule folded into the finding on its cause (lint.ts foldIntoCause) is still unreachable
    for (const r of f.related ?? []) if (r.folded === 'rule-unreachable') unreachable.add(r.range.start.offset);
  }
  for (const table of result.model.tables.values()) {
    const chains = new Map<string, Rule[]>();
    for (const r of table.rules) {
      if (!r.source?.range) continue;
      let list = chains.get(r.chain);
      if (!list) chains.set(r.chain, (list = []));
      list.push(r);
    }
    for (const [chain, rules] of chains) {
      const first = rules.reduce((a, b) => (b.source.range.start.offset < a.source.range.start.offset ? b : a));
      const dead = rules.filter((r) => unreachable.has(r.source.range.start.offset)).length;
      const fam = table.family === 'ipv6' ? 'ipv6 ' : '';
      out.push({
        range: headRange(first),
        command: label(`${fam}${table.name} ${chain}: ${rules.length} rule${rules.length === 1 ? '' : 's'}${dead ? `, ${dead} unreachable` : ''}`),
      });
    }
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}
