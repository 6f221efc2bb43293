/**
 * Listening (HTTP or HTTPS) and graceful closing. Startup failures become one-line
 * `StartupError`s the entry prints as they are: a port in use, an unreadable certificate.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import net, { type Socket } from 'node:net';
import path from 'node:path';
import type { Express } from 'express';
import type { AppConfig } from '../config/index.js';
import { urlHost, type ListenAddress } from '../config/net.js';

export class StartupError extends Error {
  constructor(
    message: string,
    /** the process exit code the entry uses */
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

export const EXIT_CONFIG = 1;
export const EXIT_PORT_IN_USE = 2;
export const EXIT_LAN_REFUSED = 3;

export interface RunningServer {
  address: ListenAddress;
  url: string;
  server: http.Server | https.Server;
  /**
   * Stops accepting connections, lets requests in flight finish for up to `deadlineMs`,
   * then cuts what is left. Resolves when the listener is closed.
   */
  close(deadlineMs?: number): Promise<void>;
}

export type ServerSettings = Pick<AppConfig, 'PORT' | 'HOST' | 'HTTPS_ENABLED' | 'SSL_CERT_PATH' | 'SSL_KEY_PATH' | 'SHUTDOWN_TIMEOUT_MS'>;

function readPem(file: string | undefined, what: string, key: string): Buffer {
  if (!file) throw new StartupError(`HTTPS is enabled but ${key} is not set (the ${what} file)`, EXIT_CONFIG);
  try {
    return readFileSync(path.resolve(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new StartupError(`Cannot read the HTTPS ${what} ${file} (${code}); check ${key}`, EXIT_CONFIG);
  }
}

export function portInUseMessage(port: number, host: string): string {
  return `Port ${port} on ${host} is already in use; stop the other program or set PORT`;
}

/**
 * Fails fast with the one-line message when the port is taken, before slower start-up work
 * (opening the database). The real listen() still reports a race that happens after this.
 */
export async function assertPortFree(port: number, host: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new StartupError(portInUseMessage(port, host), EXIT_PORT_IN_USE));
      else resolve(); // other problems are reported by the real listen()
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

export async function startServer(options: { config: ServerSettings; app: Express }): Promise<RunningServer> {
  const { config, app } = options;
  let server: http.Server | https.Server;
  if (config.HTTPS_ENABLED) {
    const cert = readPem(config.SSL_CERT_PATH, 'certificate', 'SSL_CERT_PATH');
    const key = readPem(config.SSL_KEY_PATH, 'private key', 'SSL_KEY_PATH');
    try {
      server = https.createServer({ cert, key }, app);
    } catch (err) {
      throw new StartupError(`The HTTPS certificate or key is not usable (${(err as Error).message.split('\n')[0]})`, EXIT_CONFIG);
    }
  } else {
    server = http.createServer(app);
  }

  // track requests in flight so shutdown can wait for them and close idle keep-alives at once
  const active = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    active.set(socket, 0);
    socket.on('close', () => active.delete(socket));
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    if (closing) res.setHeader('Connection', 'close');
    active.set(socket, (active.get(socket) ?? 0) + 1);
    res.on('finish', () => {
      const left = (active.get(socket) ?? 1) - 1;
      active.set(socket, left);
      if (closing && left === 0) socket.end();
    });
  });
  let closing = false;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new StartupError(portInUseMessage(config.PORT, config.HOST), EXIT_PORT_IN_USE));
      else if (err.code === 'EACCES') {
        reject(new StartupError(`Port ${config.PORT} on ${config.HOST} is not allowed for this user (EACCES); choose another PORT`, EXIT_PORT_IN_USE));
      } else if (err.code === 'EADDRNOTAVAIL') {
        reject(new StartupError(`HOST ${config.HOST} is not an address of this machine (EADDRNOTAVAIL); use 127.0.0.1 or 0.0.0.0`, EXIT_CONFIG));
      } else reject(new StartupError(`Cannot listen on ${config.HOST}:${config.PORT} (${err.code ?? err.message})`, EXIT_CONFIG));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(config.PORT, config.HOST);
  });

  const bound = server.address() as AddressInfo;
  const protocol = config.HTTPS_ENABLED ? 'https' : 'http';
  const url = `${protocol}://${urlHost(config.HOST)}:${bound.port}`;
  const address: ListenAddress = { protocol, host: config.HOST, port: bound.port, url };

  let closed: Promise<void> | null = null;
  return {
    address,
    url,
    server,
    close(deadlineMs = config.SHUTDOWN_TIMEOUT_MS) {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        server.close(() => resolve());
        // idle keep-alive connections would hold close() open: end them now
        for (const [socket, inFlight] of active) if (inFlight === 0) socket.end();
        const deadline = setTimeout(() => {
          for (const socket of active.keys()) socket.destroy();
        }, deadlineMs);
        deadline.unref();
      });
      return closed;
    },
  };
}
