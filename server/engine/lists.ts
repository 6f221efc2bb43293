import type { RequestContext } from './context.js';
import type { CommandState } from './commands.js';

export async function objectList(ctx: RequestContext, _s: CommandState): Promise<never> {
  ctx.dieText('not implemented');
}
export async function editObj(ctx: RequestContext, _s: CommandState): Promise<never> {
  ctx.dieText('not implemented');
}
export async function getRecord(ctx: RequestContext, _s: CommandState): Promise<never> {
  ctx.dieText('not implemented');
}
export async function refReqs(ctx: RequestContext, _s: CommandState): Promise<never> {
  ctx.dieText('not implemented');
}
