// What a check is and what it reports. Pure data: the CLI prints findings, the language server turns
// them into LSP diagnostics and code actions (server/src/server.ts is the only file that knows LSP).

import type { ParseResult, Range } from '../parser/ast';
import type { FirewallModel, KnockSequence } from '../model/types';
import type { AssertionSpec } from '../assert/spec';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeveritySetting = Severity | 'off';

/** A text replacement in the original file: [start, end) offsets, 0-based UTF-16. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  /** Safe to apply without review (quick fix, `source.fixAll`); false for suggestions that change behaviour. */
  safe: boolean;
  /** Non-overlapping edits against the text the finding was computed on. */
  edits: TextEdit[];
}

export interface Related {
  message: string;
  range: Range;
  /** (addition) Absolute path of another file the range is in (an assertion in `.rsc-lint.json`); absent: this file. */
  file?: string;
  /**
   * This location is THE rule that causes the finding (the accept-all hiding a knock stage, the one rule
   * taking every packet of an unreachable rule): lint.ts folds the finding into a finding on that rule.
   */
  cause?: true;
  /** The id of a finding folded into this one as evidence (lint.ts mergeEvidence); `message` is its message. */
  folded?: string;
}

export interface Finding {
  rule: string;
  message: string;
  range: Range;
  /** Set by the lint pipeline from the check's default and the user's settings. */
  severity: Severity;
  related?: Related[];
  fixes?: Fix[];
}

/** User-tunable numbers; defaults in server/src/lint.ts. */
export interface Thresholds {
  /** Stage timeouts below this many seconds are reported by knock-timeout-short (default 5). */
  stageTimeoutMin: number;
  /** Intermediate stage timeouts above this are reported by knock-timeout-long (default 60). */
  stageTimeoutMax: number;
  /** Final list timeouts above this are reported by knock-timeout-long (default 86400). */
  finalTimeoutMax: number;
}

/** What the user tells the engine about the world the script runs in (settings, CLI, `.rsc-lint.json`). */
export interface Environment {
  /** RouterOS version to validate against, e.g. "7.16"; undefined: the file's `/export` header, then the newest. */
  targetVersion?: string;
  /** Interface lists to treat as the WAN / LAN side, when the script does not say. */
  wanLists?: readonly string[];
  lanLists?: readonly string[];
  /** `:global` names declared by other scripts of the workspace (they count as declared here). */
  workspaceGlobals?: ReadonlySet<string>;
  /** Firewall assertions (`.rsc-lint.json` "assertions") that apply to this file: `assertion-failed`. */
  assertions?: readonly AssertionSpec[];
  /** Chains other files of the workspace define, as navigation keys (`chain ip filter from-wan`). */
  workspaceChains?: ReadonlySet<string>;
}

export interface CheckContext {
  /** The file text the findings' ranges and edits refer to. */
  text: string;
  parse: ParseResult;
  model: FirewallModel;
  knocks: KnockSequence[];
  thresholds: Thresholds;
  /** Never undefined in the pipeline; fields inside may be. */
  env: Environment;
}

export interface CheckMeta {
  /** Rule id, part of the public interface (CLI output, settings, suppression comments). */
  id: string;
  defaultSeverity: Severity;
  /** One sentence: what it finds. */
  description: string;
  /**
   * Runnable examples (ShellCheck style): `bad` must trigger the check, `good` must not; `env` is what
   * they are linted with when the check needs settings (assertions), shown in its doc page.
   */
  examples: { bad: string; good: string; env?: Environment };
}

export interface Check extends CheckMeta {
  /** Findings with `severity` set to the default; the pipeline adjusts it. Never throws on odd input. */
  run(ctx: CheckContext): Array<Omit<Finding, 'severity'> & { severity?: Severity }>;
}
