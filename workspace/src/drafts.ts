/**
 * Form fields that show stored values and are edited in place. After any save the editor reloads what
 * is stored; a field the user has not touched takes the new stored value, and one they have edited
 * keeps their text: saving one field must not wipe what is being typed into another.
 */
export type Fields = Record<string, string | number | boolean>;

/** `drafts` moved from the stored values `before` to `after` (only the fields `after` has). */
export function rebaseDrafts<T extends Fields>(drafts: Fields, before: Fields, after: T): T {
  const next: Fields = { ...after };
  for (const key of Object.keys(after)) {
    // an edited field keeps its text, which came from the same input as the stored value's type
    if (key in drafts && key in before && drafts[key] !== before[key]) next[key] = drafts[key];
  }
  return next as T;
}
