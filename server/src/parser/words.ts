// Word lists the parser uses to split `path verb args` without a schema. They are structural hints,
// not a command tree: the model/schema layers give the final meaning.

/**
 * Menu commands: a path word that is one of these ends the menu path and becomes the verb
 * (`/ip firewall filter add`, `/system reboot`, `/tool fetch url=...`). Words that are also common
 * menu names (`update`, `upgrade`, `script`...) are left out on purpose.
 */
export const VERBS: ReadonlySet<string> = new Set([
  'add', 'set', 'remove', 'print', 'export', 'find', 'get', 'enable', 'disable', 'comment', 'move',
  'edit', 'unset', 'reset', 'reset-counters', 'reset-counters-all', 'monitor', 'monitor-traffic',
  'run', 'import', 'save', 'load', 'make-static', 'release', 'renew', 'check-for-updates', 'install',
  'downgrade', 'uninstall', 'shutdown', 'reboot', 'flush', 'send', 'fetch', 'ping', 'traceroute',
  'torch', 'bandwidth-test', 'speed-test', 'info', 'warning', 'debug', 'cancel', 'clear', 'refresh',
  'scan', 'blink', 'cable-test', 'sign', 'create-certificate', 'export-certificate', 'card-reinit',
  'force-update', 'reset-configuration', 'apply-changes', 'download', 'execute', 'wait', 'sniff',
  'quick', 'start', 'stop', 'reset-mac-address', 'reset-password', 'check-installation', 'generate-key',
  'rebuild', 'sync', 'copy', 'duplicate', 'register', 'unregister', 'enable-all', 'disable-all',
  'remove-all', 'increase', 'decrease', 'trace', 'terminate', 'drop', 'log', 'print-id',
  'reset-counters-all', 'set-default', 'test', 'verify', 'wake', 'listen', 'connect', 'disconnect',
  'restore', 'announce', 'renew-all', 'rerun', 'shutdown-all', 'upgrade',
]);

/** RouterOS global (`:`) commands; inside scripts they may be written without the colon. */
export const GLOBAL_COMMANDS: ReadonlySet<string> = new Set([
  'beep', 'convert', 'delay', 'deserialize', 'do', 'environment', 'error', 'execute', 'find', 'for',
  'foreach', 'global', 'grep', 'if', 'jobname', 'len', 'local', 'log', 'nothing', 'onerror', 'parse',
  'pick', 'put', 'resolve', 'retry', 'return', 'rndnum', 'rndstr', 'serialize', 'set', 'terminal',
  'time', 'timestamp', 'toarray', 'tobool', 'tocrlf', 'toid', 'toip', 'toip6', 'tolf', 'tonsec',
  'tonum', 'tostr', 'totime', 'typeof', 'while', 'led', 'blink', 'while',
]);

/** Named arguments whose `{ }` value is code (not an array) and whose string value is code. */
export const CODE_ARGS: ReadonlySet<string> = new Set([
  'do', 'else', 'on-error', 'source', 'on-event', 'on-up', 'on-down', 'on-login', 'on-logout',
  'up-script', 'down-script', 'test-script', 'lease-script', 'command', 'script',
]);

/** Arguments holding code that runs later (script bodies), not when the surrounding command runs. */
export const STORED_CODE_ARGS: ReadonlySet<string> = new Set([
  'source', 'on-event', 'on-up', 'on-down', 'on-login', 'on-logout', 'up-script', 'down-script',
  'test-script', 'lease-script', 'script',
]);

/** Commands whose positional `{ }` argument is code: `:do { } while=`, `:onerror e { }`, `:retry { }`. */
export const CODE_POSITIONAL_VERBS: ReadonlySet<string> = new Set([
  ':do', 'do', ':onerror', 'onerror', ':retry', 'retry', ':time', 'time', ':execute', 'execute',
]);

/** Bare words that make the following positional `{ }` code (the old `} on-error { ... }` form). */
export const CODE_KEYWORDS: ReadonlySet<string> = new Set(['on-error', 'do', 'else', 'in']);

/** Commands whose first positional string argument is code (`:parse "..."`, `:execute "..."`). */
export const CODE_STRING_VERBS: ReadonlySet<string> = new Set([':parse', 'parse', ':execute', 'execute']);

/** Verbs whose body arguments make the commands inside conditional (run zero or more times later). */
export const CONDITIONAL_VERBS: ReadonlySet<string> = new Set([
  ':if', 'if', ':for', 'for', ':foreach', 'foreach', ':while', 'while', ':do', 'do', ':onerror',
  'onerror', ':retry', 'retry',
]);

/** A word that can be a menu path segment: lowercase letters, digits and dashes, at least one letter. */
export function isPathWord(w: string): boolean {
  const n = w.length;
  if (n === 0) return false;
  if (w === '..') return true;
  let letter = false;
  for (let i = 0; i < n; i++) {
    const c = w.charCodeAt(i);
    if (c >= 97 && c <= 122) letter = true;
    else if (!((c >= 48 && c <= 57) || c === 45)) return false;
  }
  return letter && w.charCodeAt(0) !== 45;
}

export function isCommandWord(w: string): boolean {
  return VERBS.has(w) || GLOBAL_COMMANDS.has(w);
}
