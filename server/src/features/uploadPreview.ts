// The preview the upload shows before applying (client/src/upload): the session verdict
// (sessionCheck.ts), the lockout risks of the script itself (lockout.ts), and, when the differential
// analysis is available, what changes for traffic. Pure: the router's texts in, a verdict, a one-line
// headline for the question and a Markdown document out. The client passes every text through its
// redactor before showing it.

import { parse } from '../parser/index';
import { buildModel } from '../model/build';
import type { Rule } from '../model/types';
import { describeSet } from '../semantics/index';
import { diffFirewalls, type DiffPiece, type FirewallDiff } from '../semantics/diff';
import { checkSession, combine, parseActiveSessions, placeText, sessionAddresses, type Combined, type PartState, type SessionCheck, type UploadService, type Verdict } from './sessionCheck';

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
  const session = checkSession(
    { exportText: input.exportText, script: input.script, addresses, service: input.service, profilePort: input.profilePort },
    input.fileLabel,
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
  lines.push(...diffSection(input));
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
    const c = combine(input.exportText, input.script);
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

/** At most this many changes are listed per direction (the rest are counted). */
const MAX_PIECES = 15;

function ruleText(c: Combined, r: Rule | undefined, fileLabel: string): string {
  if (!r) return 'the end of the chain (implicit accept)';
  const s = r.source.range;
  const script = s.start.offset >= c.scriptOffset;
  const line = script ? s.start.line - c.scriptLine : s.start.line;
  const where = script ? `${fileLabel} line ${line + 1}` : `router, export line ${line + 1}`;
  return `${r.chain} ${r.action}${r.comment ? ` "${r.comment}"` : ''} (${where})`;
}

/** The model speaks of lines of the combined text: say which file they are in. */
function scriptLines(c: Combined, text: string, fileLabel: string): string {
  return text.replace(/\bline (\d+)/g, (_m, n: string) => {
    const l = Number(n) - 1;
    return l >= c.scriptLine ? `${fileLabel} line ${l - c.scriptLine + 1}` : `export line ${l + 1}`;
  });
}

function pieceLine(c: Combined, p: DiffPiece, fileLabel: string): string {
  const what = describeSet(p.set) || 'all traffic';
  const w = p.witness?.after.packet;
  const example = w ? `, e.g. ${w.protocol}${w.dstPort !== undefined ? ` to port ${w.dstPort}` : ''} from ${w.src}${w.inInterface ? ` in ${w.inInterface}` : ''}` : '';
  return `- **${p.hook}** ${cell(what)}${example}: ${p.before.verdict} by ${cell(ruleText(c, p.before.rule, fileLabel))} → **${p.after.verdict}** by ${cell(ruleText(c, p.after.rule, fileLabel))}${p.may ? ` (may: ${cell(scriptLines(c, p.mayBecause.join('; '), fileLabel))})` : ''}`;
}

/** What changes for traffic: the differential analysis (semantics/diff.ts) of the export against export + script. */
function diffSection(input: PreviewInput): string[] {
  const out: string[] = ['## What changes for traffic', ''];
  let diff: FirewallDiff;
  const c = combine(input.exportText, input.script);
  try {
    const before = buildModel(parse(input.exportText), input.exportText);
    const after = buildModel(parse(c.text), c.text);
    diff = diffFirewalls(before, after);
  } catch (e) {
    return [...out, `The comparison failed (${e instanceof Error ? e.message : String(e)}); nothing is claimed.`, ''];
  }
  if (!diff.complete) return [...out, 'The firewall is too large for the comparison\'s budget: what changes is not known (nothing is claimed).', ''];
  const pieces = diff.families.flatMap((f) => f.pieces);
  if (pieces.length === 0) return [...out, 'No packet\'s verdict changes (raw, mangle and filter on input, forward and output).', ''];
  const opened = pieces.filter((p) => p.after.verdict === 'accept' && p.before.verdict !== 'accept' && p.hook !== 'output');
  const closed = pieces.filter((p) => p.before.verdict === 'accept' && p.after.verdict !== 'accept');
  const other = pieces.filter((p) => !opened.includes(p) && !closed.includes(p));
  const list = (title: string, ps: DiffPiece[]) => {
    if (!ps.length) return;
    out.push(`### ${title}`, '');
    for (const p of ps.slice(0, MAX_PIECES)) out.push(pieceLine(c, p, input.fileLabel));
    if (ps.length > MAX_PIECES) out.push(`- … and ${ps.length - MAX_PIECES} more`);
    out.push('');
  };
  list('Newly accepted (reachable after the script)', opened);
  list('Stops working (accepted now, not after the script)', closed);
  list('Other verdict changes', other);
  return out;
}
