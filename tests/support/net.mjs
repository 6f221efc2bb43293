// Ports and connections on 127.0.0.1 for the suites (plain JavaScript: start-mariadb.mjs, which
// tests/run-tests.mjs runs without tsx, uses it too; types in net.d.mts).
import { readFileSync } from 'node:fs';
import net from 'node:net';

/** Ports this process has handed out: never twice, even if the OS offers one again. */
const handedOut = new Set();

/**
 * A port that was free on 127.0.0.1 a moment ago. A database that is handed a port binds it only
 * seconds later (after its install step), so the same port must not go to a server meanwhile.
 *
 * The port lies below the OS's ephemeral range (ip_local_port_range): a server that restarts on its
 * port is down for seconds, and in that time any outgoing connection on the machine may take the
 * port as its local one (even a connection to the port itself), so the new server cannot listen.
 * Each test worker (VITEST_POOL_ID) draws from its own slice, so two workers never race for one.
 */
export async function freePort() {
  const slice = portSlice();
  if (!slice) return ephemeralFreePort();
  const size = slice.end - slice.start;
  const first = Math.floor(Math.random() * size);
  for (let i = 0; i < size; i += 1) {
    const port = slice.start + ((first + i) % size);
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port on 127.0.0.1 in ${slice.start}-${slice.end - 1}`);
}

/** Where the OS's ephemeral ports start, or null when it cannot be read. */
export function ephemeralPortStart() {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : null;
  } catch {
    return null;
  }
}

// above 10080, the highest port that fetch and browsers refuse to connect to (the fetch standard's bad ports)
const LOWEST_TEST_PORT = 11_000;
const SLICES = 8;

/** This process's ports: [start, end) below the ephemeral range, or null if there is no room. */
function portSlice() {
  const ephemeral = ephemeralPortStart();
  if (ephemeral === null || ephemeral - LOWEST_TEST_PORT < SLICES * 100) return null;
  const size = Math.floor((ephemeral - LOWEST_TEST_PORT) / SLICES);
  const index = (Number(process.env.VITEST_POOL_ID) || 0) % SLICES;
  return { start: LOWEST_TEST_PORT + index * size, end: LOWEST_TEST_PORT + (index + 1) * size };
}

function canListen(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The OS's choice (an ephemeral port): where the range cannot be read or leaves no room below it. */
async function ephemeralFreePort() {
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
