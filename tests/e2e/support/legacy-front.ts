// A stand-in for "the workspace served by the server" in front of another engine (the PHP one):
// the built workspace on 127.0.0.1 (a free port) with the server's own serving rules
// (server/http/workspace.ts), and every other request passed to the engine's URL API, so the
// browser sees one origin, as it does with our server.
import http from 'node:http';
import express from 'express';
import { workspaceRouter } from '../../../server/http/workspace.js';
import { listen, type Listening } from '../../support/server.js';

export async function startLegacyFront(engineUrl: string, workspaceDir: string): Promise<Listening> {
  const engine = new URL(engineUrl);
  const app = express();
  app.use(workspaceRouter(workspaceDir));
  app.use((req, res) => {
    const target = new URL(req.originalUrl, engine);
    const upstream = http.request(target, { method: req.method, headers: { ...req.headers, host: engine.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (error) => {
      if (!res.headersSent) res.status(502).type('text/plain').send(`the engine at ${engineUrl} did not answer: ${error.message}`);
      else res.destroy();
    });
    req.pipe(upstream);
  });
  return listen(app);
}
