// The admin API contract, imported (never redefined) from the server's source. A relative re-export
// rather than a path alias, so the same import resolves in Vite, vue-tsc, and the root tsc/vitest run
// that type-checks the console's pure modules under tests/unit/renderer.
export type * from '../../server/http/admin/contract.js';
export { ADMIN_BASE, ADMIN_COOKIE, ADMIN_CSRF_HEADER, ADMIN_CSRF_VALUE, JOB_STEP_TEXT } from '../../server/http/admin/contract.js';
