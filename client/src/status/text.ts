// What the RouterOS language status item says (pure: tested without an editor).

export type ServerState = 'starting' | 'running' | 'stopped' | 'failed';

export interface StatusFacts {
  state: ServerState;
  /** `routeros.targetVersion` when set. */
  targetVersion?: string;
  ruleCount: number;
  /** Rules switched off in `routeros.rules`. */
  rulesOff: number;
}

/** The status item's text, detail and severity. */
export function statusText(f: StatusFacts): { text: string; detail: string; severity: 'info' | 'warning' | 'error'; busy: boolean } {
  const target = f.targetVersion ? `RouterOS ${f.targetVersion}` : 'RouterOS version from the file';
  const rules = `${f.ruleCount - f.rulesOff} of ${f.ruleCount} checks on`;
  switch (f.state) {
    case 'starting':
      return { text: 'RouterOS: starting', detail: `${target} · ${rules}`, severity: 'info', busy: true };
    case 'running':
      return { text: f.targetVersion ? `RouterOS ${f.targetVersion}` : 'RouterOS', detail: `Language server running · ${target} · ${rules}`, severity: 'info', busy: false };
    case 'failed':
      return { text: 'RouterOS: server failed', detail: 'The language server could not start: see "RouterOS: Show output"', severity: 'error', busy: false };
    default:
      return { text: 'RouterOS: server stopped', detail: 'Run "RouterOS: Restart language server"', severity: 'warning', busy: false };
  }
}

