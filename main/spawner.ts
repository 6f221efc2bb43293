/** The process boundary the supervisor drives. Electron implements it with
 *  utilityProcess.fork (spawner-electron.ts); tests and headless use child_process.fork
 *  (spawner-node.ts), so the supervisor logic is exercised against real processes. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  env: Record<string, string>;
  cwd: string;
}

export interface ChildHandle {
  readonly pid: number | undefined;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once, after the process is gone (and, where the runtime allows, its output flushed). */
  onExit(listener: (exit: ChildExit) => void): void;
  onStdout(listener: (chunk: string) => void): void;
  onStderr(listener: (chunk: string) => void): void;
  kill(signal: NodeJS.Signals): boolean;
  /** Best effort; false when the channel is already closed. */
  postMessage(message: unknown): boolean;
}

export interface Spawner {
  spawn(entry: string, options: SpawnOptions): ChildHandle;
}
