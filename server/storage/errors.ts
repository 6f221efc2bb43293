/** Errors the store raises on purpose; `message` is one short line fit for a user or a log. */
export type StoreErrorCode =
  /** a database name fails the naming rules */
  | 'invalid_name'
  /** the database already exists */
  | 'exists'
  /** the database does not exist */
  | 'not_found'
  /** the PGlite data folder is held by another process */
  | 'in_use'
  /** the MySQL server cannot be reached or refuses the login */
  | 'unreachable'
  /** rows given to import/create are not acceptable (duplicate ids ...) */
  | 'invalid_rows'
  /** a setting the store does not support (e.g. a postgresql:// URL) */
  | 'unsupported'
  /** a report's expression cannot be computed on its rows (a number out of range, an impossible cast) */
  | 'report_value';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code);
}
