/**
 * Where a MySQL/MariaDB server is reached: TCP (host and port) or a unix socket (a path, as PHP's
 * mysqli does for "localhost"; host and port are then not used). One place for the mysql2
 * connection fields and the text people read (startup line, /api/health, errors).
 */
import { MYSQL_URL_SOCKET_PARAMS } from '../../config/schema.js';

export interface MysqlEndpoint {
  host: string;
  port: number;
  /** a unix socket path (DB_SOCKET, `?socket=` of DATABASE_URL); when set, host and port are not used */
  socketPath?: string;
}

/** The mysql2 connection fields of an endpoint. */
export function endpointFields(endpoint: MysqlEndpoint): { socketPath: string } | { host: string; port: number } {
  return endpoint.socketPath ? { socketPath: endpoint.socketPath } : { host: endpoint.host, port: endpoint.port };
}

/** `socket /run/mysqld/mysqld.sock`, or `host:port` (`[::1]:3306` for an IPv6 address). */
export function describeEndpoint(endpoint: MysqlEndpoint): string {
  if (endpoint.socketPath) return `socket ${endpoint.socketPath}`;
  const { host, port } = endpoint;
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The socket path a URL's query names (`?socket=`, `?socketPath=`, `?unix_socket=`), or null. */
export function socketOfUrl(params: URLSearchParams): string | null {
  for (const name of MYSQL_URL_SOCKET_PARAMS) {
    const value = params.get(name);
    if (value !== null) return value;
  }
  return null;
}
