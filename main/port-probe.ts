import { execFile } from 'node:child_process';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { createServer } from 'node:net';

/** Who holds a port, as far as the operating system is willing to tell. */
export interface PortOwner {
  pid: number;
  name?: string;
  command?: string;
}

export interface PortConflict {
  port: number;
  host: string;
  code: string;
  owner?: PortOwner;
  message: string;
}

/**
 * Tries to bind host:port the way the server will, then releases it. Returns null when the
 * port is free, or a conflict naming the port and (where the OS says) its owner. Never picks
 * another port: LAN clients and bookmarks depend on this one.
 */
export async function probePort(port: number, host: string): Promise<PortConflict | null> {
  const code = await tryListen(port, host);
  if (code === null) return null;
  const owner = code === 'EADDRINUSE' ? await findPortOwner(port).catch(() => undefined) : undefined;
  return { port, host, code, owner, message: describeConflict(port, host, code, owner) };
}

function tryListen(port: number, host: string): Promise<string | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

export function describeConflict(port: number, host: string, code: string, owner?: PortOwner): string {
  if (code === 'EADDRINUSE') {
    const who = owner
      ? `${owner.name ?? 'a process'} (pid ${owner.pid}${owner.command ? `: ${owner.command}` : ''})`
      : 'another program (the operating system did not say which; it may belong to another user)';
    return `Port ${port} on ${host} is already in use by ${who}. Stop that program or choose another port in the settings.`;
  }
  if (code === 'EACCES') {
    return (
      `Port ${port} on ${host} cannot be opened: permission denied. Ports below 1024 need administrator rights; ` +
      'on Windows the port may be in a reserved range (netsh interface ipv4 show excludedportrange protocol=tcp). ' +
      'Choose another port in the settings.'
    );
  }
  if (code === 'EADDRNOTAVAIL') {
    return `Address ${host} is not an address of this computer, so port ${port} cannot be opened there. Check HOST in the settings.`;
  }
  return `Port ${port} on ${host} cannot be opened (${code}).`;
}

/** Best-effort lookup of the process listening on a TCP port. */
export async function findPortOwner(port: number, platform: NodeJS.Platform = process.platform): Promise<PortOwner | undefined> {
  if (platform === 'linux') return (await linuxProcOwner(port)) ?? (await lsofOwner(port));
  if (platform === 'win32') return windowsOwner(port);
  return lsofOwner(port);
}

/** Linux: listening socket inode from /proc/net/tcp{,6}, then the /proc/<pid>/fd entry pointing at it. */
async function linuxProcOwner(port: number): Promise<PortOwner | undefined> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const inode of listeningInodes(text, port)) inodes.add(inode);
  }
  if (inodes.size === 0) return undefined;
  const pids = (await readdir('/proc').catch(() => [])).filter((entry) => /^\d+$/.test(entry));
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => []);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match && inodes.has(match[1])) return describeLinuxProcess(Number(pid));
    }
  }
  return undefined;
}

/** Inodes of LISTEN (state 0A) sockets on `port` in a /proc/net/tcp table. */
export function listeningInodes(procNetTcp: string, port: number): string[] {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes: string[] = [];
  for (const line of procNetTcp.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const localPort = fields[1].split(':')[1];
    if (localPort === portHex && fields[3] === '0A' && fields[9] !== '0') inodes.push(fields[9]);
  }
  return inodes;
}

async function describeLinuxProcess(pid: number): Promise<PortOwner> {
  const name = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim() || undefined;
  const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean).join(' ');
  return { pid, name, command: cmdline ? truncate(cmdline, 200) : undefined };
}

async function lsofOwner(port: number): Promise<PortOwner | undefined> {
  const out = await run('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc']);
  if (!out) return undefined;
  const pid = /^p(\d+)$/m.exec(out)?.[1];
  const name = /^c(.+)$/m.exec(out)?.[1];
  return pid ? { pid: Number(pid), name } : undefined;
}

async function windowsOwner(port: number): Promise<PortOwner | undefined> {
  const out = await run('netstat', ['-ano', '-p', 'TCP']);
  if (!out) return undefined;
  const pid = parseNetstatListener(out, port);
  if (pid === undefined) return undefined;
  const task = await run('tasklist', ['/FI', `PID eq ${pid}`, '/FO', 'CSV', '/NH']);
  const name = task ? /^"([^"]+)"/.exec(task.trim())?.[1] : undefined;
  return { pid, name };
}

/** PID of the LISTENING row for `port` in `netstat -ano` output (any local address). */
export function parseNetstatListener(netstat: string, port: number): number | undefined {
  for (const line of netstat.split(/\r?\n/)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5 || fields[0].toUpperCase() !== 'TCP') continue;
    const localPort = fields[1].slice(fields[1].lastIndexOf(':') + 1);
    if (localPort === String(port) && fields[3].toUpperCase() === 'LISTENING') return Number(fields[4]);
  }
  return undefined;
}

function run(command: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 3000, windowsHide: true }, (error, stdout) => resolve(error && !stdout ? undefined : stdout));
  });
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
