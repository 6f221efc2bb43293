import { EventEmitter } from 'node:events';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { CrashWindow, DEFAULT_CRASH_LOOP, type CrashLoopPolicy } from './crash-loop.js';
import { probePort } from './port-probe.js';
import type { RotatingLog } from './rotating-log.js';
import type { ChildExit, ChildHandle, Spawner } from './spawner.js';

export type ServerState =
  | 'idle'
  | 'starting'
  | 'running'
  | 'degraded'
  | 'restarting'
  | 'stopping'
  | 'stopped'
  | 'failed'
  | 'crash-loop';

export interface ServerStatus {
  state: ServerState;
  /** Human-readable why, for the tray tooltip and the console. */
  reason?: string;
  pid?: number;
  url?: string;
  port: number;
  host: string;
  /** ISO time the current state was entered. */
  since: string;
  /** Automatic restarts after crashes since the last manual start. */
  restarts: number;
  lastExit?: ChildExit;
  /** Last lines the server wrote to stderr (a crash loop's reason shows them). */
  recentStderr: string[];
}

export interface SupervisorOptions {
  spawner: Spawner;
  /** Absolute path of the server entry (dist/server/index.js). */
  entry: string;
  cwd: string;
  port: number;
  host: string;
  /** Re-read before every (re)start, so a PORT/HOST changed in the settings applies on restart. */
  endpoint?: () => { port: number; host: string };
  /** Extra environment for the server, re-read at every (re)start so changed settings apply. */
  env?: () => Record<string, string>;
  /** Base environment; default process.env. */
  baseEnv?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  backoff?: BackoffPolicy;
  crashLoop?: CrashLoopPolicy;
  /** How often to poll GET /health while waiting for readiness. */
  readyProbeIntervalMs?: number;
  /** Poll GET /api/health while running to show 'degraded'; 0 turns it off. */
  healthPollMs?: number;
  /**
   * Liveness watchdog: a running server whose GET /health has not answered for this long is hung
   * (alive but serving nothing); it is killed and restarted, counted like a crash. 0 turns it off.
   */
  livenessTimeoutMs?: number;
  /** How often the watchdog probes GET /health (each probe times out after a second). */
  livenessProbeMs?: number;
  /** A server up this long has its backoff reset (the next crash restarts after the shortest delay). */
  stableAfterMs?: number;
  /** Probe the port before each start and name the owner of a conflict. */
  probePort?: boolean;
  /**
   * How to ask for a graceful stop: 'signal' = SIGTERM (POSIX), 'message' = `{type:'shutdown'}`
   * over the IPC channel (Windows, where SIGTERM cannot be caught). Only one of them: a server
   * may treat a second stop request as "force it now". Default: by platform.
   */
  gracefulStop?: 'signal' | 'message';
  /** Exit codes that mean "start me again now" (not a crash; e.g. the server's 75 after an admin restart request). */
  restartExitCodes?: number[];
  /** Exit codes that mean "retrying cannot help" (e.g. port in use, LAN mode refused): reported as failed at once. */
  fatalExitCodes?: number[];
  log?: RotatingLog;
}

const SETTLED: ReadonlySet<ServerState> = new Set(['running', 'degraded', 'stopped', 'failed', 'crash-loop']);
const STDERR_LINES_KEPT = 20;

/** What a server reports when it is listening: `{type:'ready', port, host, url}`. */
export function isReadyMessage(message: unknown): message is { type: 'ready'; url?: string } {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready';
}

/** A server asking to be restarted (e.g. after the admin changed PORT): `{type:'restart'}`. */
function isRestartRequest(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'restart';
}

interface Attempt {
  handle: ChildHandle;
  exited: Promise<ChildExit>;
  ready: boolean;
  /** Set when the supervisor itself ends this child (stop, restart, start timeout). */
  expectedExit: boolean;
  /** Set when the watchdog killed this child for not answering: the reason its exit reports. */
  hung?: string;
  timers: NodeJS.Timeout[];
}

/**
 * Runs the server in its own process and keeps it alive: readiness handshake or health probe
 * with a start timeout, restart with exponential backoff after a crash, crash-loop detection,
 * graceful stop (SIGTERM or a shutdown message, SIGKILL after a deadline). A clean exit the
 * supervisor did not ask for is reported, not restarted. No Electron import: tests drive it
 * with child_process.fork.
 */
export class ServerSupervisor extends EventEmitter<{ state: [ServerStatus] }> {
  private readonly options: Required<Omit<SupervisorOptions, 'log' | 'env' | 'endpoint'>> & Pick<SupervisorOptions, 'log' | 'env' | 'endpoint'>;
  private current: ServerStatus;
  private attempt: Attempt | undefined;
  private readonly crashes: CrashWindow;
  private backoffAttempt = 0;
  private readyAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private stderrTail: string[] = [];
  private stderrPartial = '';
  private pendingRestart: Promise<ServerStatus> | undefined;
  private stopEpoch = 0;

  constructor(options: SupervisorOptions) {
    super();
    this.options = {
      baseEnv: process.env,
      startTimeoutMs: 20_000,
      stopTimeoutMs: 5_000,
      backoff: DEFAULT_BACKOFF,
      crashLoop: DEFAULT_CRASH_LOOP,
      readyProbeIntervalMs: 200,
      healthPollMs: 0,
      livenessTimeoutMs: 0,
      livenessProbeMs: 2_000,
      stableAfterMs: 30_000,
      probePort: true,
      gracefulStop: process.platform === 'win32' ? 'message' : 'signal',
      restartExitCodes: [],
      fatalExitCodes: [],
      ...options,
    };
    this.crashes = new CrashWindow(this.options.crashLoop);
    this.current = this.makeStatus('idle');
  }

  status(): ServerStatus {
    return { ...this.current, recentStderr: [...this.current.recentStderr] };
  }

  /** Starts the server; resolves once it is running or has settled in a failure state. */
  async start(): Promise<ServerStatus> {
    if (this.pendingRestart) return this.pendingRestart;
    if (this.attempt || this.restartTimer) {
      return SETTLED.has(this.current.state) ? this.status() : this.waitForSettled();
    }
    this.crashes.reset();
    this.backoffAttempt = 0;
    this.current.restarts = 0;
    const settled = this.waitForSettled();
    void this.launch();
    return settled;
  }

  /** Graceful stop; resolves when the process is gone. */
  async stop(reason = 'stopped on request'): Promise<ServerStatus> {
    this.stopEpoch += 1;
    this.clearRestartTimer();
    this.stopHealthPoll();
    const attempt = this.attempt;
    if (attempt) {
      this.setState('stopping', reason);
      await this.terminate(attempt);
    }
    this.setState('stopped', reason);
    return this.status();
  }

  /** Manual restart: stops gracefully, forgets past crashes, starts again. Concurrent calls share one restart. */
  restart(): Promise<ServerStatus> {
    this.pendingRestart ??= this.doRestart().finally(() => {
      this.pendingRestart = undefined;
    });
    return this.pendingRestart;
  }

  private async doRestart(): Promise<ServerStatus> {
    this.clearRestartTimer();
    this.stopHealthPoll();
    const attempt = this.attempt;
    const epoch = this.stopEpoch;
    if (attempt) {
      this.setState('restarting', 'restart requested');
      await this.terminate(attempt);
    }
    if (epoch !== this.stopEpoch) return this.status(); // stop() (e.g. quit) came in meanwhile: stay stopped
    this.crashes.reset();
    this.backoffAttempt = 0;
    this.current.restarts = 0;
    const settled = this.waitForSettled();
    void this.launch();
    return settled;
  }

  /** Resolves with the first status for which `predicate` holds (the current one included). */
  waitFor(predicate: (status: ServerStatus) => boolean, timeoutMs = 60_000): Promise<ServerStatus> {
    if (predicate(this.current)) return Promise.resolve(this.status());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('state', listener);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for server state; last: ${this.current.state} (${this.current.reason ?? ''})`));
      }, timeoutMs);
      const listener = (status: ServerStatus): void => {
        if (!predicate(status)) return;
        clearTimeout(timer);
        this.off('state', listener);
        resolve(status);
      };
      this.on('state', listener);
    });
  }

  private waitForSettled(): Promise<ServerStatus> {
    return new Promise((resolve) => {
      const listener = (status: ServerStatus): void => {
        if (!SETTLED.has(status.state)) return;
        this.off('state', listener);
        resolve(status);
      };
      this.on('state', listener);
    });
  }

  private async launch(): Promise<void> {
    if (this.options.endpoint) {
      const { port, host } = this.options.endpoint();
      Object.assign(this.options, { port, host });
      Object.assign(this.current, { port, host });
    }
    const { port, host } = this.options;
    this.setState('starting', this.current.restarts > 0 ? `restart ${this.current.restarts}` : undefined);
    if (this.options.probePort) {
      const conflict = await probePort(port, host);
      if (this.current.state !== 'starting') return; // stopped while probing
      if (conflict) {
        this.options.log?.event('error', conflict.message, { port, host, owner: conflict.owner });
        this.setState('failed', conflict.message);
        return;
      }
    }

    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.options.baseEnv)) if (value !== undefined) env[key] = value;
    Object.assign(env, this.options.env?.() ?? {}, { PORT: String(port), HOST: host });

    let handle: ChildHandle;
    try {
      handle = this.options.spawner.spawn(this.options.entry, { env, cwd: this.options.cwd });
    } catch (error) {
      this.setState('failed', `could not start the server process: ${(error as Error).message}`);
      return;
    }
    const attempt: Attempt = {
      handle,
      exited: new Promise((resolve) => handle.onExit(resolve)),
      ready: false,
      expectedExit: false,
      timers: [],
    };
    this.attempt = attempt;
    this.current.pid = handle.pid;
    this.options.log?.event('info', `server process started (pid ${handle.pid ?? '?'})`, { entry: this.options.entry, port, host });

    handle.onStdout((chunk) => this.options.log?.write(chunk));
    handle.onStderr((chunk) => {
      this.options.log?.write(chunk);
      this.collectStderr(chunk);
    });
    handle.onMessage((message) => {
      if (isReadyMessage(message)) this.markReady(attempt, typeof message.url === 'string' ? message.url : undefined);
      else if (isRestartRequest(message) && attempt === this.attempt) void this.restart();
    });
    void attempt.exited.then((exit) => this.onExit(attempt, exit));

    const seconds = Math.round(this.options.startTimeoutMs / 100) / 10;
    attempt.timers.push(
      setTimeout(() => {
        if (attempt.ready || attempt !== this.attempt) return;
        const reason = `did not become ready within ${seconds} s${this.stderrSuffix()}`;
        this.options.log?.event('error', reason);
        attempt.expectedExit = true;
        this.setState('failed', reason);
        void this.terminate(attempt, Math.min(this.options.stopTimeoutMs, 2_000)).then(() => {
          // Publish the exit (pid gone, lastExit) without leaving the failed state.
          if (!this.attempt && this.current.state === 'failed') this.setState('failed', reason);
        });
      }, this.options.startTimeoutMs),
    );
    this.pollReadiness(attempt);
  }

  /** Readiness by health probe, for a server that sends no ready message. */
  private pollReadiness(attempt: Attempt): void {
    const tick = async (): Promise<void> => {
      if (attempt.ready || attempt !== this.attempt || this.current.state !== 'starting') return;
      if (await this.probeHealth('/health', (body) => isRecord(body) && body.status === 'ok')) {
        this.markReady(attempt, undefined);
        return;
      }
      attempt.timers.push(setTimeout(() => void tick(), this.options.readyProbeIntervalMs));
    };
    attempt.timers.push(setTimeout(() => void tick(), this.options.readyProbeIntervalMs));
  }

  private markReady(attempt: Attempt, url: string | undefined): void {
    if (attempt.ready || attempt !== this.attempt || attempt.expectedExit) return;
    attempt.ready = true;
    this.readyAt = Date.now();
    this.current.pid = attempt.handle.pid; // utilityProcess knows its pid only after 'spawn'
    this.current.url = url ?? `http://${this.probeHost()}:${this.options.port}`;
    this.options.log?.event('info', `server ready at ${this.current.url}`);
    this.setState('running', this.current.restarts > 0 ? `recovered after ${this.current.restarts} restart(s)` : undefined);
    this.startHealthPoll(attempt);
    this.startWatchdog(attempt);
  }

  /** Probes GET /health while the attempt runs; kills it once it has not answered for livenessTimeoutMs. */
  private startWatchdog(attempt: Attempt): void {
    const { livenessTimeoutMs, livenessProbeMs } = this.options;
    if (livenessTimeoutMs <= 0) return;
    let lastAnswer = Date.now();
    const tick = async (): Promise<void> => {
      if (attempt !== this.attempt || attempt.expectedExit) return;
      const alive = await this.probeHealth('/health', (body) => isRecord(body) && body.status === 'ok');
      if (attempt !== this.attempt || attempt.expectedExit) return;
      if (alive) lastAnswer = Date.now();
      else if (Date.now() - lastAnswer >= livenessTimeoutMs) {
        const seconds = Math.round((Date.now() - lastAnswer) / 1000);
        attempt.hung = `stopped answering its health check for ${seconds} s (hung) and was killed`;
        this.options.log?.event('error', `server ${attempt.hung}`);
        attempt.handle.kill('SIGKILL');
        return;
      }
      attempt.timers.push(setTimeout(() => void tick(), livenessProbeMs));
    };
    attempt.timers.push(setTimeout(() => void tick(), livenessProbeMs));
  }

  private onExit(attempt: Attempt, exit: ChildExit): void {
    for (const timer of attempt.timers) clearTimeout(timer);
    if (attempt !== this.attempt) return;
    this.attempt = undefined;
    this.stopHealthPoll();
    this.current.lastExit = exit;
    this.current.pid = undefined;
    const how = attempt.hung ?? (exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`);
    this.options.log?.event(attempt.expectedExit ? 'info' : 'warn', `server process ${how}`, { ...exit });
    if (attempt.expectedExit) return; // stop()/restart()/start timeout own the state

    if (exit.code === 0 && !exit.signal) {
      // The server chose to exit (e.g. a fatal config error it reported itself); looping would hide that.
      this.setState('stopped', `the server exited on its own (code 0) and was not restarted${this.stderrSuffix()}`);
      return;
    }
    if (exit.code !== null && !exit.signal && this.options.restartExitCodes.includes(exit.code)) {
      this.setState('restarting', `the server asked to be restarted (exit code ${exit.code})`);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        void this.launch();
      }, 0);
      return;
    }
    if (exit.code !== null && !exit.signal && this.options.fatalExitCodes.includes(exit.code)) {
      this.setState('failed', `the server stopped with exit code ${exit.code} and was not restarted (retrying cannot help)${this.stderrSuffix()}`);
      return;
    }
    if (this.readyAt && Date.now() - this.readyAt >= this.options.stableAfterMs) this.backoffAttempt = 0;
    if (this.crashes.record()) {
      const reason = `crash loop: ${this.crashes.describe()}; not restarting. Last exit: ${how}${this.stderrSuffix()}`;
      this.options.log?.event('error', reason);
      this.setState('crash-loop', reason);
      return;
    }
    const delay = backoffDelay(this.backoffAttempt++, this.options.backoff);
    this.current.restarts += 1;
    this.setState('restarting', `server ${how}; restarting in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.launch();
    }, delay);
  }

  /** Asks the child to shut down (SIGTERM or a shutdown message); SIGKILL after the deadline. */
  private async terminate(attempt: Attempt, deadlineMs = this.options.stopTimeoutMs): Promise<ChildExit> {
    attempt.expectedExit = true;
    const asked = this.options.gracefulStop === 'message' && attempt.handle.postMessage({ type: 'shutdown' });
    if (!asked) attempt.handle.kill('SIGTERM');
    const killer = setTimeout(() => {
      this.options.log?.event('warn', `server did not stop within ${deadlineMs} ms; sending SIGKILL`);
      attempt.handle.kill('SIGKILL');
    }, deadlineMs);
    const exit = await attempt.exited;
    clearTimeout(killer);
    return exit;
  }

  private startHealthPoll(attempt: Attempt): void {
    if (this.options.healthPollMs <= 0) return;
    const tick = async (): Promise<void> => {
      if (attempt !== this.attempt) return;
      const verdict = await this.readApiHealth();
      if (attempt !== this.attempt || (this.current.state !== 'running' && this.current.state !== 'degraded')) return;
      if (verdict.ok && this.current.state !== 'running') this.setState('running', 'health recovered');
      if (!verdict.ok && (this.current.state !== 'degraded' || this.current.reason !== verdict.reason)) this.setState('degraded', verdict.reason);
      this.healthTimer = setTimeout(() => void tick(), this.options.healthPollMs);
    };
    this.healthTimer = setTimeout(() => void tick(), this.options.healthPollMs);
  }

  private stopHealthPoll(): void {
    if (this.healthTimer) clearTimeout(this.healthTimer);
    this.healthTimer = undefined;
  }

  /** Degraded = the server answers but reports a problem (e.g. MySQL unreachable); never a restart reason. */
  private async readApiHealth(): Promise<{ ok: true } | { ok: false; reason: string }> {
    try {
      const response = await fetch(`http://${this.probeHost()}:${this.options.port}/api/health`, { signal: AbortSignal.timeout(3_000) });
      if (response.status === 404) return { ok: true }; // older server without /api/health
      const body: unknown = await response.json().catch(() => undefined);
      if (!isRecord(body)) return { ok: false, reason: `health answered HTTP ${response.status}` };
      if (body.status === 'ok') return { ok: true };
      const database = isRecord(body.database) ? body.database : {};
      const detail = typeof database.reason === 'string' ? `: ${database.reason}` : '';
      return { ok: false, reason: `server reports ${String(body.status)}${detail}` };
    } catch (error) {
      return { ok: false, reason: `server does not answer its health check (${(error as Error).message})` };
    }
  }

  private async probeHealth(path: string, accept: (body: unknown) => boolean): Promise<boolean> {
    try {
      const response = await fetch(`http://${this.probeHost()}:${this.options.port}${path}`, { signal: AbortSignal.timeout(1_000) });
      if (response.status !== 200) return false;
      return accept(await response.json());
    } catch {
      return false;
    }
  }

  /** Internal checks go to an IPv4 literal: `localhost` may resolve to ::1 while the server listens on IPv4. */
  private probeHost(): string {
    const { host } = this.options;
    return host === '0.0.0.0' || host === '::' || host === 'localhost' || host === '' ? '127.0.0.1' : host;
  }

  private collectStderr(chunk: string): void {
    const lines = (this.stderrPartial + chunk).split(/\r?\n/);
    this.stderrPartial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) this.stderrTail.push(line);
    if (this.stderrTail.length > STDERR_LINES_KEPT) this.stderrTail.splice(0, this.stderrTail.length - STDERR_LINES_KEPT);
  }

  private recentStderr(): string[] {
    return this.stderrPartial.trim() ? [...this.stderrTail, this.stderrPartial] : [...this.stderrTail];
  }

  private stderrSuffix(): string {
    const lines = this.recentStderr().slice(-5);
    return lines.length ? `. Last stderr lines:\n${lines.join('\n')}` : '';
  }

  private clearRestartTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  private makeStatus(state: ServerState, reason?: string): ServerStatus {
    return {
      state,
      reason,
      port: this.options.port,
      host: this.options.host,
      since: new Date().toISOString(),
      restarts: 0,
      recentStderr: [],
    };
  }

  private setState(state: ServerState, reason?: string): void {
    this.current = {
      ...this.current,
      state,
      reason,
      since: new Date().toISOString(),
      url: state === 'running' || state === 'degraded' ? this.current.url : undefined,
      recentStderr: this.recentStderr(),
    };
    this.emit('state', this.status());
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
