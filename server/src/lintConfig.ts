// `.rsc-lint.json`: the project configuration file read by the CLI and the language server alike.
// Pure: every file access goes through the `ConfigHost` the caller passes (the CLI and server.ts bind it
// to node:fs), so it is tested without a disk. The JSON Schema is schemas/rsc-lint.schema.json; the
// validation here is the normative one (the schema is for editors) and test/cli/config.test.ts keeps
// the two in step.
//
// Resolution: the nearest `.rsc-lint.json` from the linted file's folder upwards wins (no merging of
// several files: what applies to a file is one file you can read). `--config FILE` names one for every
// input; `--no-config` uses none.

import * as path from 'node:path';
import type { Environment, SeveritySetting, Thresholds } from './rules/types';
import { DEFAULT_THRESHOLDS, isSeveritySetting, validateRuleId, type LintOptions } from './lint';
import { AssertionError, type AssertionSpec, validateAssertion } from './assert/spec';
import { jsonTree, rangeOf } from './assert/jsonRanges';

export const CONFIG_FILE_NAME = '.rsc-lint.json';

export interface RscLintConfig {
  $schema?: string;
  rules?: Record<string, SeveritySetting>;
  thresholds?: Partial<Thresholds>;
  /** Target RouterOS version, `7.16` or `7.16.2`. */
  target?: string;
  /** Interface lists to assume are the WAN / LAN side. */
  wan?: string[];
  lan?: string[];
  /** Glob patterns (relative to the config file's folder) of files and folders not to lint. */
  ignore?: string[];
  /** Firewall assertions (docs/assertions.md), with where each sits in the file. */
  assertions?: AssertionSpec[];
}

/** A bad config file: the message names the file and the key, and says what is allowed. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const KEYS = ['$schema', 'rules', 'thresholds', 'target', 'wan', 'lan', 'ignore', 'assertions'] as const;
const THRESHOLD_KEYS = Object.keys(DEFAULT_THRESHOLDS) as Array<keyof Thresholds>;
const TARGET_RE = /^[67]\.\d{1,3}(\.\d{1,3})?$/;

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

function stringList(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.trim() === '')) {
    throw new ConfigError(`${where} must be a list of non-empty strings, not ${kind(v)}`);
  }
  return v as string[];
}

/** Parses and validates the text of a config file; `file` is only used in messages. */
export function parseConfig(text: string, file: string): RscLintConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${file}: must be a JSON object, not ${kind(raw)}`);
  const obj = raw as Record<string, unknown>;
  const out: RscLintConfig = {};
  for (const key of Object.keys(obj)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(`${file}: unknown key "${key}" (allowed: ${KEYS.join(', ')})`);
    }
  }
  if (obj.$schema !== undefined) {
    if (typeof obj.$schema !== 'string') throw new ConfigError(`${file}: "$schema" must be a string`);
    out.$schema = obj.$schema;
  }
  if (obj.rules !== undefined) {
    const r = obj.rules;
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new ConfigError(`${file}: "rules" must be an object {"<rule-id>": "off|hint|info|warning|error"}, not ${kind(r)}`);
    out.rules = {};
    for (const [id, level] of Object.entries(r as Record<string, unknown>)) {
      const bad = validateRuleId(id);
      if (bad) throw new ConfigError(`${file}: ${bad} in "rules" (rsc-lint --list-rules shows the ids)`);
      if (typeof level !== 'string' || !isSeveritySetting(level)) {
        throw new ConfigError(`${file}: "rules"."${id}" must be "off", "hint", "info", "warning" or "error", not ${kind(level)}`);
      }
      out.rules[id] = level;
    }
  }
  if (obj.thresholds !== undefined) {
    const t = obj.thresholds;
    if (t === null || typeof t !== 'object' || Array.isArray(t)) throw new ConfigError(`${file}: "thresholds" must be an object, not ${kind(t)}`);
    out.thresholds = {};
    for (const [k, v] of Object.entries(t as Record<string, unknown>)) {
      if (!(THRESHOLD_KEYS as string[]).includes(k)) {
        throw new ConfigError(`${file}: unknown threshold "${k}" (allowed: ${THRESHOLD_KEYS.join(', ')})`);
      }
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new ConfigError(`${file}: "thresholds"."${k}" must be a number of seconds >= 0, not ${kind(v)}`);
      }
      out.thresholds[k as keyof Thresholds] = v;
    }
  }
  if (obj.target !== undefined) {
    if (typeof obj.target !== 'string' || !TARGET_RE.test(obj.target)) {
      throw new ConfigError(`${file}: "target" must be a RouterOS version such as "7.16" or "7.16.2", not ${kind(obj.target)}`);
    }
    out.target = obj.target;
  }
  if (obj.wan !== undefined) out.wan = stringList(obj.wan, `${file}: "wan"`);
  if (obj.lan !== undefined) out.lan = stringList(obj.lan, `${file}: "lan"`);
  if (obj.ignore !== undefined) {
    out.ignore = stringList(obj.ignore, `${file}: "ignore"`);
    for (const p of out.ignore) {
      if (path.isAbsolute(p) || /^[A-Za-z]:/.test(p)) throw new ConfigError(`${file}: "ignore" pattern "${p}" must be relative to the config file's folder`);
    }
  }
  if (obj.assertions !== undefined) out.assertions = parseAssertions(obj.assertions, text, file);
  return out;
}

function parseAssertions(v: unknown, text: string, file: string): AssertionSpec[] {
  if (!Array.isArray(v)) throw new ConfigError(`${file}: "assertions" must be a list of assertions ({"name", "packets", "expect"}; see docs/assertions.md), not ${kind(v)}`);
  const items = jsonTree(text)?.keys?.get('assertions')?.items;
  const names = new Set<string>();
  return v.map((raw, index) => {
    let a;
    try {
      a = validateAssertion(raw, `${file}: assertion ${index + 1}`);
    } catch (e) {
      if (e instanceof AssertionError) throw new ConfigError(e.message);
      throw e;
    }
    if (names.has(a.name)) throw new ConfigError(`${file}: assertion ${index + 1}: the name "${a.name}" is used twice (names identify assertions in the output)`);
    names.add(a.name);
    for (const p of a.files ?? []) {
      if (path.isAbsolute(p) || /^[A-Za-z]:/.test(p)) throw new ConfigError(`${file}: assertion "${a.name}": "files" pattern "${p}" must be relative to the config file's folder`);
    }
    const node = items?.[index];
    return { ...a, index, configFile: file, ...(node ? { range: rangeOf(text, node.start, node.end) } : {}) };
  });
}

/** The lint options a config sets (only what it sets: callers merge onto their own defaults). */
export function configLintOptions(c: RscLintConfig): LintOptions {
  const env: Environment = {};
  if (c.target !== undefined) env.targetVersion = c.target;
  if (c.wan !== undefined) env.wanLists = c.wan;
  if (c.lan !== undefined) env.lanLists = c.lan;
  const out: LintOptions = {};
  if (c.rules) out.severities = { ...c.rules };
  if (c.thresholds) out.thresholds = { ...c.thresholds };
  if (Object.keys(env).length > 0) out.env = env;
  return out;
}

/** `base` with `over` on top: severities and thresholds merge key by key, env fields replace. */
export function mergeLintOptions(base: LintOptions, over: LintOptions): LintOptions {
  return {
    ...base,
    ...over,
    severities: { ...base.severities, ...over.severities },
    thresholds: { ...base.thresholds, ...over.thresholds },
    env: { ...base.env, ...over.env },
  };
}

// ---------------------------------------------------------------------------------------------
// Ignore patterns (a small subset of .gitignore globs)

/**
 * One pattern as a regular expression over a `/`-separated path relative to the config folder:
 * `*` and `?` stay inside one path segment, `**` spans segments, a pattern without a `/` (other than a
 * trailing one) matches the name at any depth, a trailing `/` matches folders only, and a matched
 * folder ignores everything under it.
 */
export function globToRegExp(pattern: string): RegExp {
  let p = pattern.replace(/\\/g, '/');
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.replace(/\/+$/, '');
  const anchored = p.includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  if (p.startsWith('./')) p = p.slice(2);
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '*') {
      if (p[i + 1] === '*') {
        i++;
        if (p[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A folder match ignores what is under it; `dir/` only matches as a folder (the caller adds `/`).
  const tail = dirOnly ? '/.*' : '(?:/.*)?';
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${re}${tail}$`, process.platform === 'win32' ? 'i' : '');
}

// ---------------------------------------------------------------------------------------------
// Finding the config of a file

export interface ConfigHost {
  /** The file's text, or undefined when it does not exist. Other failures throw (reported as ConfigError). */
  readFile(file: string): string | undefined;
}

export interface ResolvedConfig {
  /** Absolute path of the config file. */
  file: string;
  config: RscLintConfig;
  options: LintOptions;
  /** A stable text that changes whenever the config's effect changes (for the CLI's cache). */
  key: string;
  /** True when `absPath` (a file, or a folder when `isDir`) matches an ignore pattern. */
  ignores(absPath: string, isDir?: boolean): boolean;
  /** The assertions whose `files` patterns match `absFile` (all without `files`). */
  assertionsFor(absFile: string): AssertionSpec[];
  /** `options` plus the assertions that apply to `absFile` (in `env.assertions`). */
  optionsFor(absFile: string): LintOptions;
}

function resolved(file: string, config: RscLintConfig): ResolvedConfig {
  const dir = path.dirname(file);
  const patterns = (config.ignore ?? []).map(globToRegExp);
  const { $schema: _s, ...effective } = config;
  const options = configLintOptions(config);
  const assertionPatterns = (config.assertions ?? []).map((a) => a.files?.map(globToRegExp));
  const relative = (absPath: string): string | undefined => {
    const rel = path.relative(dir, absPath).split(path.sep).join('/');
    return rel === '' || rel.startsWith('../') || rel === '..' || path.isAbsolute(rel) ? undefined : rel;
  };
  const assertionsFor = (absFile: string): AssertionSpec[] => {
    const rel = relative(absFile);
    return (config.assertions ?? []).filter((_a, i) => {
      const pats = assertionPatterns[i];
      return pats === undefined || (rel !== undefined && pats.some((re) => re.test(rel)));
    });
  };
  return {
    file,
    config,
    options,
    assertionsFor,
    optionsFor(absFile: string): LintOptions {
      const assertions = assertionsFor(absFile);
      return assertions.length === 0 ? options : { ...options, env: { ...options.env, assertions } };
    },
    key: JSON.stringify(effective),
    ignores(absPath: string, isDir = false): boolean {
      if (patterns.length === 0) return false;
      const rel = path.relative(dir, absPath).split(path.sep).join('/');
      if (rel === '' || rel.startsWith('../') || rel === '..' || path.isAbsolute(rel)) return false;
      const subject = isDir ? `${rel}/` : rel;
      return patterns.some((re) => re.test(subject));
    },
  };
}

export interface ResolverOptions {
  /** `--config FILE`: this file applies to every input (absolute path). */
  explicit?: string;
  /** `--no-config`. */
  disabled?: boolean;
}

/**
 * Finds and caches configs by folder. `forFile` throws ConfigError for a config that cannot be read or
 * is invalid (the CLI exits 2; the server logs it and lints with its settings only).
 */
export class ConfigResolver {
  private readonly byDir = new Map<string, ResolvedConfig | undefined>();
  private explicitConfig: ResolvedConfig | undefined;

  constructor(
    private readonly host: ConfigHost,
    private readonly opts: ResolverOptions = {},
  ) {}

  private load(file: string): ResolvedConfig | undefined {
    let text: string | undefined;
    try {
      text = this.host.readFile(file);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'EISDIR') throw new ConfigError(`${file}: is a directory, not a config file`);
      throw new ConfigError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (text === undefined) return undefined;
    return resolved(file, parseConfig(text, file));
  }

  /** The config for a folder (absolute path). */
  forDir(dir: string): ResolvedConfig | undefined {
    if (this.opts.disabled) return undefined;
    if (this.opts.explicit !== undefined) {
      if (!this.explicitConfig) {
        const c = this.load(this.opts.explicit);
        if (!c) throw new ConfigError(`cannot read ${this.opts.explicit}: no such file (--config names a missing file)`);
        this.explicitConfig = c;
      }
      return this.explicitConfig;
    }
    const chain: string[] = [];
    let d = dir;
    let found: ResolvedConfig | undefined;
    for (;;) {
      if (this.byDir.has(d)) {
        found = this.byDir.get(d);
        break;
      }
      chain.push(d);
      const c = this.load(path.join(d, CONFIG_FILE_NAME));
      if (c) {
        found = c;
        break;
      }
      const up = path.dirname(d);
      if (up === d) break;
      d = up;
    }
    for (const x of chain) this.byDir.set(x, found);
    return found;
  }

  /** The config for a file (absolute path). */
  forFile(file: string): ResolvedConfig | undefined {
    return this.forDir(path.dirname(file));
  }
}

/** DEFAULT_THRESHOLDS with the config's on top (for display). */
export function effectiveThresholds(c: RscLintConfig): Thresholds {
  return { ...DEFAULT_THRESHOLDS, ...c.thresholds };
}
