/**
 * POST /api/chat: the AI chat (docs/modern-api.md, "AI chat"). The caller authenticates as for
 * /api/v2 (an access JWT, or a legacy token for the database named). Naming a database grounds the
 * conversation in it: the tables and columns the caller may read and, on request, the result of a
 * report run with the caller's grants (appliance/ai/grounding.ts). The answer streams as
 * Server-Sent Events (`start`, `delta`…, `end`, or `error`), or comes as one JSON with `stream: false`.
 * Errors before the first part of an answer (no provider, every provider failed) are ordinary
 * JSON errors with a code, because no event has been sent yet.
 */
import express, { type Request, type Response, type Router } from 'express';
import { AiChatError, configuredProviders, streamChat, type Attempt, type ChatEvent } from '../../appliance/ai/chat.js';
import { groundingPrompt, loadGrounding, PLAIN_PROMPT } from '../../appliance/ai/grounding.js';
import type { ChatMessage } from '../../appliance/ai/types.js';
import { TokenError } from '../../appliance/api-tokens.js';
import { EngineCallError } from '../../engine/index.js';
import { HttpError } from '../errors.js';
import { bearerToken, ok, route, type ApiServices } from './context.js';
import { chatRequest, issueDetails, type ChatRequest } from './schemas.js';
import { resolveCaller } from './v2/caller.js';
import { fromEngine } from './v2/document.js';

/** The system prompt for this caller: grounded in the database they named, else the plain one. */
async function systemPrompt(services: ApiServices, req: Request, body: ChatRequest): Promise<string> {
  if (body.database === undefined) {
    const token = bearerToken(req);
    if (!token) throw new HttpError(401, 'Authorization: Bearer <access token> is required (POST /api/auth/login gives one)', 'unauthorized');
    try {
      await services.tokens.session(services.tokens.verify(token, 'access'));
    } catch (err) {
      if (err instanceof TokenError) throw new HttpError(401, err.message, err.code);
      throw err;
    }
    return PLAIN_PROMPT;
  }
  const caller = await resolveCaller(services, req, body.database);
  try {
    return groundingPrompt(await loadGrounding(services.ops, { db: caller.db, token: caller.creds.token, report: body.report }));
  } catch (err) {
    if (err instanceof EngineCallError) throw fromEngine(err);
    throw err;
  }
}

function chatFailure(err: AiChatError): HttpError {
  const params = { providers: err.tried.map((a) => a.provider).join(', ') };
  if (err.code === 'ai_not_configured') return new HttpError(503, err.message, 'ai_not_configured');
  return new HttpError(502, err.message, err.code, { params });
}

function sendEvent(res: Response, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

const attemptView = (a: Attempt) => ({ provider: a.provider, failure: a.failure, ...(a.status !== undefined ? { status: a.status } : {}) });

export function createChatRouter(services: ApiServices): Router {
  const router = express.Router();
  const { config, logger } = services.deps;

  router.post('/', route(async (req, res) => {
    const parsed = chatRequest.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, 'The chat request has errors', 'validation_failed', { details: issueDetails(parsed.error) });
    const body = parsed.data;
    const messages: ChatMessage[] = [{ role: 'system', content: await systemPrompt(services, req, body) }, ...body.messages];

    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const log = req.log ?? logger;
    const events = streamChat(configuredProviders(config), messages, {
      signal: abort.signal,
      // provider, failure and status only: never the key, the prompt or the answer
      onFallback: (a) => log?.warn({ provider: a.provider, failure: a.failure, status: a.status }, 'AI provider passed over'),
    });

    if (!body.stream) {
      let text = '';
      let last: Extract<ChatEvent, { type: 'end' }> | undefined;
      try {
        for await (const event of events) {
          if (event.type === 'delta') text += event.text;
          else if (event.type === 'end') last = event;
        }
      } catch (err) {
        // the client left: nobody to answer
        if (abort.signal.aborted) return;
        if (err instanceof AiChatError) throw chatFailure(err);
        throw err;
      }
      ok(res, { provider: last?.provider, model: last?.model, text, passedOver: (last?.tried ?? []).map(attemptView) });
      return;
    }

    try {
      for await (const event of events) {
        if (event.type === 'start') {
          res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
          res.flushHeaders();
          sendEvent(res, 'start', { provider: event.provider, model: event.model, passedOver: event.tried.map(attemptView) });
        } else if (event.type === 'delta') {
          sendEvent(res, 'delta', { text: event.text });
        } else {
          sendEvent(res, 'end', { provider: event.provider, model: event.model });
        }
      }
    } catch (err) {
      if (abort.signal.aborted) return;
      if (!(err instanceof AiChatError)) throw err;
      if (!res.headersSent) throw chatFailure(err);
      log?.warn({ provider: err.tried[err.tried.length - 1]?.provider, code: err.code }, 'AI answer interrupted');
      sendEvent(res, 'error', { code: err.code, message: err.message });
    }
    res.end();
  }));
  return router;
}
