import { fork, type ChildProcess, type Serializable } from 'node:child_process';
import type { ChildExit, ChildHandle, SpawnOptions, Spawner } from './spawner.js';

/** child_process.fork implementation: used by tests and by a headless supervisor. */
export class NodeSpawner implements Spawner {
  constructor(private readonly execArgv: string[] = []) {}

  spawn(entry: string, options: SpawnOptions): ChildHandle {
    const child = fork(entry, [], {
      env: options.env,
      cwd: options.cwd,
      execArgv: this.execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    return new NodeChildHandle(child);
  }
}

class NodeChildHandle implements ChildHandle {
  constructor(private readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    // A fork that fails to start emits 'error' (and then 'close'); without a listener it would throw.
    child.on('error', () => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  onMessage(listener: (message: unknown) => void): void {
    this.child.on('message', (message: unknown) => listener(message));
  }

  onExit(listener: (exit: ChildExit) => void): void {
    // 'close' rather than 'exit': it fires after stdout/stderr drained, so the last lines
    // of a crashing server are captured before the supervisor reports the crash.
    this.child.once('close', (code: number | null, signal: NodeJS.Signals | null) => listener({ code, signal }));
  }

  onStdout(listener: (chunk: string) => void): void {
    this.child.stdout?.on('data', (chunk: string) => listener(chunk));
  }

  onStderr(listener: (chunk: string) => void): void {
    this.child.stderr?.on('data', (chunk: string) => listener(chunk));
  }

  kill(signal: NodeJS.Signals): boolean {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return false;
    return this.child.kill(signal);
  }

  postMessage(message: unknown): boolean {
    if (!this.child.connected) return false;
    try {
      return this.child.send(message as Serializable, () => undefined);
    } catch {
      return false;
    }
  }
}
