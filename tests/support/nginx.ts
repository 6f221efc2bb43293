/**
 * Debian's nginx running deploy/nginx/integram.conf as shipped, on loopback: listen ports, the
 * certificate (a fresh self-signed one for 127.0.0.1) and the upstream instances substituted. Used
 * by the deploy suite and by `npm run bench -- --scale`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { freePort, sleep } from './net.mjs';
import { makeTempDir, removeDir, REPO_ROOT } from './server.js';

export const NGINX_BINARY = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p)) ?? null;
const CONF = path.join(REPO_ROOT, 'deploy', 'nginx', 'integram.conf');

export interface Answer { status: number; text: string; headers: Record<string, string | string[] | undefined> }

export interface Nginx {
  httpPort: number;
  httpsPort: number;
  /** the certificate nginx presents (trust it to call httpsPort) */
  ca: string;
  /** a request over HTTPS, trusting only `ca` */
  request(method: string, pathAndQuery: string, headers?: Record<string, string>, body?: string): Promise<Answer>;
  stop(): Promise<void>;
}

/** a substitution made in the shipped config; fails when the config no longer has that line */
function substitute(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`deploy/nginx/integram.conf no longer contains: ${from}`);
  return text.split(from).join(to);
}

/** `workers`: nginx worker processes (the tests use 1; the benchmark uses `auto`, one per core, as a server would) */
export async function startNginx(upstreamPorts: number[], workers: number | 'auto' = 1): Promise<Nginx> {
  if (!NGINX_BINARY) throw new Error('nginx is not installed (apt-get install nginx)');
  const work = makeTempDir('integram-nginx-');
  chmodSync(work, 0o755);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(work, 'tls.key'), '-out', path.join(work, 'tls.crt')], { stdio: 'ignore' });
  const ca = readFileSync(path.join(work, 'tls.crt'), 'utf8');
  const httpPort = await freePort();
  const httpsPort = await freePort();

  let conf = readFileSync(CONF, 'utf8');
  conf = substitute(conf, '    server 127.0.0.1:8081 max_fails=3 fail_timeout=10s;',
    upstreamPorts.map((port) => `    server 127.0.0.1:${port} max_fails=3 fail_timeout=10s;`).join('\n'));
  conf = substitute(conf, '    listen 80;', `    listen 127.0.0.1:${httpPort};`);
  conf = substitute(conf, '    listen [::]:80;\n', '');
  conf = substitute(conf, '    listen 443 ssl http2;', `    listen 127.0.0.1:${httpsPort} ssl http2;`);
  conf = substitute(conf, '    listen [::]:443 ssl http2;\n', '');
  conf = substitute(conf, '/etc/ssl/certs/integram.crt', path.join(work, 'tls.crt'));
  conf = substitute(conf, '/etc/ssl/private/integram.key', path.join(work, 'tls.key'));
  writeFileSync(path.join(work, 'integram.conf'), conf);
  const temp = path.join(work, 'temp');
  mkdirSync(temp, { mode: 0o777 });
  chmodSync(temp, 0o777);
  const main = path.join(work, 'nginx.conf');
  writeFileSync(main, [
    'daemon off;', `worker_processes ${workers};`, `pid ${path.join(work, 'nginx.pid')};`, `error_log ${path.join(work, 'error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {', '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `  ${k}_temp_path ${temp}/${k};`),
    `  include ${path.join(work, 'integram.conf')};`, '}', '',
  ].join('\n'));
  execFileSync(NGINX_BINARY, ['-t', '-q', '-c', main], { stdio: 'pipe' });
  const child = spawn(NGINX_BINARY, ['-c', main], { stdio: 'ignore' });

  const agent = new https.Agent({ ca, keepAlive: true });
  const request = (method: string, pathAndQuery: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port: httpsPort, path: pathAndQuery, method, headers, agent, timeout: 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(body);
    });

  const stop = async () => {
    agent.destroy();
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGQUIT');
      await Promise.race([exited, sleep(5000)]);
      child.kill('SIGKILL');
    }
    removeDir(work);
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if ((await request('GET', '/health')).status === 200) break;
    } catch (err) {
      if (Date.now() > deadline) {
        await stop();
        throw err;
      }
    }
    await sleep(100);
  }
  return { httpPort, httpsPort, ca, request, stop };
}
