// `--cache`: skip files whose content, effective settings and rsc-lint version did not change since the
// last run, as ESLint's cache does. One JSON file (default .rsc-lint-cache in the working folder,
// `--cache-location FILE|DIR`). An entry is reused when the file's size and mtime match (no read at all),
// or when its bytes hash to the stored hash (the worker reads and hashes, and skips the lint).
// A corrupt or foreign cache file is ignored and rewritten; the write is atomic.
//
// Memory: the cache holds the findings of every cached file (not their text), so it grows with the
// number of findings of the fleet, not with its bytes.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../rules/types';

export const DEFAULT_CACHE_NAME = '.rsc-lint-cache';

export interface CacheEntry {
  size: number;
  mtimeMs: number;
  hash: string;
  /** Hash of the settings the findings were computed with (config, --rule, version). */
  key: string;
  findings: Finding[];
  /** Some finding had a safe fix (not reused under --fix). */
  fixable?: boolean;
}

interface CacheFile {
  format: 'rsc-lint-cache/1';
  version: string;
  entries: Record<string, CacheEntry>;
}

export function settingsKey(version: string, parts: unknown): string {
  return createHash('sha1').update(version).update('\0').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

export class LintCache {
  private entries = new Map<string, CacheEntry>();
  private dirty = false;

  constructor(
    readonly file: string,
    private readonly version: string,
  ) {}

  /** `--cache-location`: a folder (existing, or given with a trailing slash) holds .rsc-lint-cache. */
  static locate(cwd: string, location: string | undefined): string {
    if (location === undefined) return path.join(cwd, DEFAULT_CACHE_NAME);
    const abs = path.resolve(cwd, location);
    if (/[\\/]$/.test(location)) return path.join(abs, DEFAULT_CACHE_NAME);
    try {
      if (fs.statSync(abs).isDirectory()) return path.join(abs, DEFAULT_CACHE_NAME);
    } catch {
      // a file that does not exist yet
    }
    return abs;
  }

  load(): void {
    let raw: string;
    try {
      raw = fs.readFileSync(this.file, 'utf8');
    } catch {
      return; // first run
    }
    try {
      const data = JSON.parse(raw) as CacheFile;
      if (data.format !== 'rsc-lint-cache/1' || data.version !== this.version || typeof data.entries !== 'object') {
        this.dirty = true;
        return;
      }
      for (const [k, v] of Object.entries(data.entries)) this.entries.set(k, v);
    } catch {
      this.dirty = true; // corrupt: start over
    }
  }

  get(file: string, key: string): CacheEntry | undefined {
    const e = this.entries.get(file);
    return e && e.key === key ? e : undefined;
  }

  set(file: string, entry: CacheEntry): void {
    this.entries.set(file, entry);
    this.dirty = true;
  }

  delete(file: string): void {
    if (this.entries.delete(file)) this.dirty = true;
  }

  /** Writes the cache (atomically); a failure is returned as a message, never thrown. */
  save(): string | undefined {
    if (!this.dirty) return undefined;
    const data: CacheFile = { format: 'rsc-lint-cache/1', version: this.version, entries: Object.fromEntries(this.entries) };
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(tmp, JSON.stringify(data));
      fs.renameSync(tmp, this.file);
      return undefined;
    } catch (e) {
      try {
        fs.unlinkSync(tmp);
      } catch {
        // never written
      }
      return `cannot write the cache ${this.file}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
}
