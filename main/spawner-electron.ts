import { utilityProcess, type UtilityProcess } from 'electron';
import type { ChildExit, ChildHandle, SpawnOptions, Spawner } from './spawner.js';

/**
 * utilityProcess.fork implementation (Electron's recommended way to run a Node server: its
 * own process, works with the RunAsNode fuse disabled). Must be used after app 'ready'.
 */
export class ElectronSpawner implements Spawner {
  spawn(entry: string, options: SpawnOptions): ChildHandle {
    const child = utilityProcess.fork(entry, [], {
      env: options.env,
      cwd: options.cwd,
      stdio: 'pipe',
      serviceName: 'Integram server',
    });
    return new UtilityChildHandle(child);
  }
}

class UtilityChildHandle implements ChildHandle {
  private spawnedPid: number | undefined;
  private exited = false;

  constructor(private readonly child: UtilityProcess) {
    this.spawnedPid = child.pid;
    child.once('spawn', () => {
      this.spawnedPid = child.pid;
    });
    child.once('exit', () => {
      this.exited = true;
    });
  }

  get pid(): number | undefined {
    return this.spawnedPid;
  }

  onMessage(listener: (message: unknown) => void): void {
    this.child.on('message', (message: unknown) => listener(message));
  }

  onExit(listener: (exit: ChildExit) => void): void {
    // utilityProcess reports only the exit code; a signal is not distinguishable here.
    this.child.once('exit', (code: number) => listener({ code, signal: null }));
  }

  onStdout(listener: (chunk: string) => void): void {
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => listener(chunk));
  }

  onStderr(listener: (chunk: string) => void): void {
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => listener(chunk));
  }

  kill(signal: NodeJS.Signals): boolean {
    if (this.exited) return false;
    // UtilityProcess.kill() is SIGTERM (and reaps); the escalation needs a real signal by pid.
    if (signal === 'SIGTERM' || this.spawnedPid === undefined) return this.child.kill();
    try {
      process.kill(this.spawnedPid, signal);
      return true;
    } catch {
      return false;
    }
  }

  postMessage(message: unknown): boolean {
    if (this.exited) return false;
    try {
      this.child.postMessage(message);
      return true;
    } catch {
      return false;
    }
  }
}
