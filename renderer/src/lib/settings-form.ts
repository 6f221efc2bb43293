// The settings form is generated from the schema fields the API returns; these helpers keep the
// form logic out of the page. Pure; unit-tested.
import type { SettingField } from '../contract.js';

export interface SettingGroup { name: string; fields: SettingField[] }

/** Groups in the order the server lists them (the schema's order), fields in order within a group. */
export function groupFields(fields: readonly SettingField[]): SettingGroup[] {
  const groups = new Map<string, SettingField[]>();
  for (const field of fields) {
    const list = groups.get(field.group) ?? [];
    list.push(field);
    groups.set(field.group, list);
  }
  return [...groups].map(([name, list]) => ({ name, fields: list }));
}

/** The form's starting text per key: secrets start empty (their value is masked and never echoed back). */
export function initialDraft(fields: readonly SettingField[]): Record<string, string> {
  const draft: Record<string, string> = {};
  for (const field of fields) draft[field.key] = field.secret ? '' : (field.value ?? '');
  return draft;
}

/**
 * What to send: only the keys the admin changed. A secret counts as changed only when its "change"
 * box is open. An emptied non-secret field is sent as null (back to the default).
 */
export function changedValues(
  fields: readonly SettingField[],
  draft: Readonly<Record<string, string>>,
  openSecrets: ReadonlySet<string>,
): Record<string, string | null> {
  const changes: Record<string, string | null> = {};
  for (const field of fields) {
    const text = draft[field.key] ?? '';
    if (field.secret) {
      if (openSecrets.has(field.key)) changes[field.key] = text === '' ? null : text;
      continue;
    }
    const before = field.value ?? '';
    if (text !== before) changes[field.key] = text === '' ? null : text;
  }
  return changes;
}

/** A field's input control. */
export type Control = 'checkbox' | 'select' | 'number' | 'password' | 'text';

export function controlFor(field: SettingField): Control {
  if (field.secret) return 'password';
  if (field.kind === 'boolean') return 'checkbox';
  if (field.kind === 'enum' && field.enumValues && field.enumValues.length > 0) return 'select';
  if (field.kind === 'number') return 'number';
  return 'text';
}
