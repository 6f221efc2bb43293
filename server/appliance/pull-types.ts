/**
 * What a pull reports (appliance/pull.ts): types only, so the admin API's contract (and through it
 * the console) can name them without importing the pull itself.
 */

export interface TableCheck {
  id: number;
  name: string;
  /** the source's record count (its list's `_count`) */
  source: number;
  local: number;
}

export interface PullResult {
  db: string;
  source: { url: string; db: string; user: string };
  rows: number;
  tables: number;
  users: number;
  files: { copied: number; bytes: number; missing: string[] };
  /** usable: the hashes work here; unusable: they need the source's AUTH_SALT (or new passwords); unknown: not checked (a token was used) */
  passwords: 'usable' | 'unusable' | 'unknown';
  notes: string[];
  verification: {
    ok: boolean;
    rowsEqual: boolean;
    tables: TableCheck[];
    sample: { checked: number; mismatches: number[] };
  };
  /** the dump file the source kept when it could not be removed there */
  sourceDumpLeft: string | null;
}
