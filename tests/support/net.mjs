// Ports and connections on 127.0.0.1 for the suites (plain JavaScript: start-mariadb.mjs, which
// tests/run-tests.mjs runs without tsx, uses it too; types in net.d.mts).
import net from 'node:net';

/** Ports this process has handed out: never twice, even if the OS offers one again. */
const handedOut = new Set();

/**
 * A port that was free on 127.0.0.1 a moment ago. A database that is handed a port binds it only
 * seconds later (after its install step), so the same port must not go to a server meanwhile.
 */
export async function freePort() {
  for (;;) {
    const port = await probeFreePort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function probeFreePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
