/**
 * The state one command runs with: the PHP engine's $a, $id, $obj, $arg and next_act
 * after id resolution (core.ts) and as the commands change them for the generic answer.
 */
export interface CommandState {
  /** the action ($a); commands may change it (e.g. to "object" or "edit_obj") */
  a: string;
  /** $id: a number, or "" when absent */
  id: number | string;
  /** $obj */
  obj?: number | string | null;
  /** $arg */
  arg: string;
  nextAct: string;
  /** the type was addressed by name in the URL */
  idFromName?: boolean;
}

/** $id as a number (0 when absent or not numeric) */
export function numId(s: CommandState): number {
  return typeof s.id === 'number' ? s.id : Math.trunc(Number(s.id) || 0);
}
