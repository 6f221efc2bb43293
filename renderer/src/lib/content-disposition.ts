/** `attachment; filename="x.json"` → `x.json`; only a plain file name (no folders), or null. */
export function filenameFrom(disposition: string | null): string | null {
  if (!disposition) return null;
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  if (!match) return null;
  let name: string;
  try {
    name = decodeURIComponent(match[1]);
  } catch {
    name = match[1];
  }
  const base = name.split(/[\\/]/).pop() ?? '';
  return base.length > 0 && base !== '.' && base !== '..' ? base : null;
}
