import type { RequestContext } from './context.js';
import type { CommandState } from './commands.js';

export async function runDml(ctx: RequestContext, _s: CommandState): Promise<void> {
  ctx.dieText('not implemented');
}
