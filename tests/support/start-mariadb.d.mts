// Types of start-mariadb.mjs (plain JavaScript, so that tests/run-tests.mjs can run it without tsx).

export const MARIADBD_CANDIDATES: string[];
export function findMariadbd(): string | null;
export function mariadbInstalled(): boolean;

export interface MariadbOptions {
  /** default: a free port (net.mjs: none this process handed out before) */
  port?: number;
  /** the test user, which connects over TCP or the socket with a password */
  user?: string;
  password?: string;
  /** default 256M */
  innodbBufferPoolSize?: string;
  log?: (message: string) => void;
  /** of the temp folder (data, socket, error log) */
  prefix?: string;
}

export interface Mariadb {
  host: string;
  port: number;
  user: string;
  password: string;
  /** the temp folder: data/, mysqld.sock, error.log */
  dir: string;
  /** the unix socket (the test user may connect through it: 'user'@'localhost') */
  socket: string;
  /** mysql://user:pw@127.0.0.1:port (no database part) */
  url: string;
  running(): boolean;
  /** runs SQL as root over the socket (e.g. CREATE DATABASE); throws on failure */
  sql(statement: string): void;
  /** runs it (the first time: installs the data folder and creates the user); resolves once it accepts connections */
  start(): Promise<void>;
  /** graceful: SIGTERM, SIGKILL after 20 s */
  stop(): Promise<void>;
  /** a crash: SIGKILL, and wait for the exit */
  kill(): Promise<void>;
  /** stops it and removes its folder */
  destroy(): Promise<void>;
}

export function createMariadb(options?: MariadbOptions): Promise<Mariadb>;
export function startMariadb(options?: MariadbOptions): Promise<Mariadb>;
