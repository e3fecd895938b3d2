// The preview the upload shows before applying (client/src/upload): the session verdict
// (sessionCheck.ts), the lockout risks of the script itself (lockout.ts), and, when the differential
// analysis is available, what changes for traffic. Pure: the router's texts in, a verdict, a one-line
// headline for the question and a Markdown document out. The client passes every text through its
// redactor before showing it.

import { changeColumns, firewallDiff, isWidenedFromWan, outcomeText, type DiffChange, type DiffReport, type SideOutcome } from './firewallDiff';
import { checkSession, parseActiveSessions, placeText, previewModels, sessionAddresses, type Combined, type PreviewModels, type PartState, type SessionCheck, type UploadService, type Verdict } from './sessionCheck';

export interface PreviewRisk {
  kind: string;
  message: string;
  line: number;
  certainty?: 'will' | 'may';
}

export interface PreviewInput {
  /** The router's `/export` output. */
  exportText: string;
  /** The script to apply. */
  script: string;
  /** `/user active print terse` output. */
  activeText: string;
  /** The user the upload logs in as. */
  user: string;
  service: UploadService;
  /** The port the upload connects to. */
  profilePort: number;
  /** Workspace-relative name of the script. */
  fileLabel: string;
  /** The router profile's name. */
  routerLabel: string;
  /** What lockout.ts found in the script alone. */
  risks?: PreviewRisk[];
}

export interface Preview {
  verdict: Verdict;
  /** One paragraph for the question: the session verdict, naming the rule that cuts it. */
  headline: string;
  /** The whole preview as Markdown (read-only document). */
  document: string;
  session: SessionCheck;
}

const STATE_TEXT: Record<PartState, string> = {
  accepted: 'accepted',
  dropped: 'DROPPED',
  partly: 'dropped for some packets (may)',
  unknown: 'not known',
};

const VERDICT_TEXT: Record<Verdict, string> = {
  keeps: 'keeps access',
  cut: 'CUT OFF',
  'may-cut': 'MAY BE CUT OFF',
  unknown: 'cannot be determined',
};

/** Escapes text for a Markdown table cell / inline code. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/`/g, "'");
}

export function buildPreview(input: PreviewInput): Preview {
  const sessions = parseActiveSessions(input.activeText);
  const addresses = sessionAddresses(sessions, input.user, input.service);
  const models = previewModels(input.exportText, input.script);
  const session = checkSession(
    { exportText: input.exportText, script: input.script, addresses, service: input.service, profilePort: input.profilePort },
    input.fileLabel,
    models,
  );
  const risks = input.risks ?? [];
  const lines: string[] = [];
  lines.push(`# Preview: ${input.fileLabel} on ${input.routerLabel}`);
  lines.push('');
  lines.push('Nothing has been applied yet. This is what the script does on top of the router\'s current configuration');
  lines.push(`(its \`/export\`, ${input.exportText.split('\n').length} lines, followed by the script: \`remove [find ...]\`, \`place-before\`, \`set\` act on the router's rules).`);
  lines.push('');
  lines.push(`## This upload's session: ${VERDICT_TEXT[session.verdict]}`);
  lines.push('');
  lines.push(session.summary);
  lines.push('');
  if (session.addresses.length) {
    lines.push(`| client address (as the router sees it) | arrives on | established session now → after | new login now → after |`);
    lines.push(`|---|---|---|---|`);
    for (const a of session.addresses) {
      lines.push(
        `| ${a.address} | ${a.inInterface ?? 'not known'} | ${STATE_TEXT[a.established.before]} → ${STATE_TEXT[a.established.after]} | ${STATE_TEXT[a.fresh.before]} → ${STATE_TEXT[a.fresh.after]} |`,
      );
    }
    lines.push('');
    const cutBy = new Map<string, string>();
    for (const a of session.addresses) for (const p of [...a.established.cutBy, ...a.fresh.cutBy]) cutBy.set(`${p.where}:${p.line}`, placeText(p, input.fileLabel));
    if (cutBy.size) {
      lines.push('Rules that drop the session\'s packets after the script:');
      lines.push('');
      for (const t of cutBy.values()) lines.push(`- ${cell(t)}`);
      lines.push('');
    }
  }
  lines.push(...diffSection(input, models));
  lines.push(`Service: ${input.service}, port ${session.port} (from the router's \`/ip service\`); the session's packets are TCP from the client address to that port, on the input chain (raw, mangle and filter).`);
  lines.push('');
  if (session.serviceChange) {
    lines.push(`- ${session.serviceChange.by ? `Line ${session.serviceChange.by.line + 1}: ` : ''}${session.serviceChange.what}${session.serviceChange.certainty === 'may' ? ' (may)' : ''}.`);
    lines.push('');
  }
  if (risks.length) {
    lines.push('## Lockout risks in the script');
    lines.push('');
    for (const r of risks) lines.push(`- line ${r.line + 1}: ${cell(r.message)}${r.certainty === 'may' ? ' (may)' : ''} [${r.kind}]`);
    lines.push('');
  }
  if (session.unknowns.length) {
    lines.push('## What the script does that cannot be known here');
    lines.push('');
    const c = models.combined;
    for (const u of session.unknowns) lines.push(`- line ${u.line + 1}: ${cell(scriptLines(c, u.message, input.fileLabel))}`);
    lines.push('');
  }
  if (session.notes.length) {
    lines.push('## Notes');
    lines.push('');
    for (const n of session.notes) lines.push(`- ${n}`);
    lines.push('');
  }
  const headline = headlineOf(session, risks, input.routerLabel);
  return { verdict: session.verdict, headline, document: lines.join('\n'), session };
}

function headlineOf(session: SessionCheck, risks: PreviewRisk[], router: string): string {
  const riskText = risks.length
    ? ` The script also has ${risks.length} lockout risk${risks.length === 1 ? '' : 's'} (first: line ${risks[0].line + 1}: ${risks[0].message.replace(/\.$/, '')}).`
    : '';
  return `${session.summary}${riskText} Apply it to ${router}?`;
}

/** At most this many changes are listed per group (the rest are counted). */
const MAX_CHANGES = 15;

/** The model speaks of lines of the combined text: say which file they are in. */
function scriptLines(c: Combined, text: string, fileLabel: string): string {
  return text.replace(/\bline (\d+)/g, (_m, n: string) => {
    const l = Number(n) - 1;
    return l >= c.scriptLine ? `${fileLabel} line ${l - c.scriptLine + 1}` : `export line ${l + 1}`;
  });
}

/** A rule of the combined text as the file or the router's export names it. */
function remapRule(c: Combined, o: SideOutcome, fileLabel: string, exportLabel: string): SideOutcome {
  if (!o.rule) return o;
  const l = o.rule.line - 1;
  return l >= c.scriptLine ? { ...o, rule: { ...o.rule, file: fileLabel, line: l - c.scriptLine + 1 } } : { ...o, rule: { ...o.rule, file: exportLabel } };
}

function changeLine(c: Combined, ch: DiffChange, fileLabel: string, exportLabel: string): string {
  const k = changeColumns(ch);
  const before = outcomeText(ch.before);
  const after = outcomeText(remapRule(c, ch.after, fileLabel, exportLabel));
  const may = ch.may ? ` (may: ${cell(scriptLines(c, ch.mayBecause.join('; '), fileLabel))})` : '';
  return `- **${cell(k.hook)}** ${cell(k.direction)} \`${cell(k.what)}\`: ${cell(before)} → **${cell(after)}**${may}`;
}

/**
 * What changes for traffic: the differential analysis (semantics/diff.ts, grouped by
 * features/firewallDiff.ts) of the router's export against export + script.
 */
function diffSection(input: PreviewInput, m: PreviewModels): string[] {
  const out: string[] = ['## What changes for traffic', ''];
  const c = m.combined;
  const exportLabel = `${input.routerLabel} (export)`;
  let report: DiffReport;
  try {
    report = firewallDiff(
      { name: exportLabel, text: input.exportText, parse: m.beforeTree, model: m.before },
      { name: input.fileLabel, text: c.text, parse: m.afterTree, model: m.after },
    );
  } catch (e) {
    return [...out, `The comparison failed (${e instanceof Error ? e.message : String(e)}); nothing is claimed.`, ''];
  }
  if (!report.complete) out.push('The firewall is too large for the comparison\'s budget: the list below may be incomplete and proves nothing.', '');
  else if (report.changes.length === 0) out.push('No packet\'s verdict changes (raw, mangle and filter on input, forward and output).', '');
  const groups: Array<[string, DiffChange[]]> = [
    ['Reachable from the WAN after the script', report.changes.filter((x) => isWidenedFromWan(x))],
    ['Other traffic newly accepted', report.changes.filter((x) => x.kind === 'widened' && !isWidenedFromWan(x))],
    ['Stops working (accepted now, refused after the script)', report.changes.filter((x) => x.kind === 'narrowed')],
    ['Refused differently', report.changes.filter((x) => x.kind === 'changed')],
  ];
  for (const [title, xs] of groups) {
    if (!xs.length) continue;
    out.push(`### ${title}`, '');
    for (const x of xs.slice(0, MAX_CHANGES)) out.push(changeLine(c, x, input.fileLabel, exportLabel));
    if (xs.length > MAX_CHANGES) out.push(`- … and ${xs.length - MAX_CHANGES} more`);
    out.push('');
  }
  if (report.changes.length) {
    const wan = report.wan.before === report.wan.after ? report.wan.after : `now: ${report.wan.before}; after: ${report.wan.after}`;
    out.push(`WAN: ${cell(wan)}`, '');
  }
  for (const n of report.notes) out.push(`- note: ${cell(scriptLines(c, n, input.fileLabel))}`);
  if (report.notes.length) out.push('');
  return out;
}
