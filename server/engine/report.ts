/**
 * `report/{id|name}`. Only the lookup exists; the report compiler comes later
 * (README.md "Not done yet").
 */
import type { RequestContext } from './context.js';
import { numId, type CommandState } from './command-state.js';
import { checkGrantOrDie } from './access.js';
import { REPORT } from './ids.js';

/** the lookup's answers: not found, no access, or 501 for a readable report */
export async function report(ctx: RequestContext, s: CommandState): Promise<never> {
  const id = numId(s);
  await checkGrantOrDie(ctx, id, 0, 'READ');
  // a readable record that is not a report gets the same answer as a report name not found
  const record = id > 0 ? await ctx.t.get(id) : null;
  if (!record || record.t !== REPORT) ctx.myDie('Запрос не найден');
  // the report compiler does not exist yet: a clear JSON error in every mode
  ctx.dieJson([{ error: 'Отчёты пока не поддерживаются' }], 501);
}
