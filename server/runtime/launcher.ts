/**
 * A tiny parent for the server when nothing else supervises it (`npm start`, a plain terminal):
 * it runs the server as a child process and starts it again when it exits with 75 (a restart the
 * console asked for). Any other exit ends the launcher with the same code; Ctrl-C and SIGTERM
 * reach the child, which stops gracefully, and then the launcher exits.
 * systemd, PM2, Docker and the desktop app restart the server themselves and do not need this.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export const EXIT_RESTART = 75;
/** set for the child, so the server knows its restart will be taken care of */
export const SUPERVISED_ENV = 'INTEGRAM_SUPERVISED';

export interface LauncherOptions {
  /** the server entry (dist/server/index.js) and its arguments */
  entry: string;
  args?: string[];
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** a line for the console when the server is started again */
  say?: (line: string) => void;
}

/** Runs the server until it exits with anything but 75; resolves with that exit code. */
export function runLauncher(options: LauncherOptions): Promise<number> {
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  let child: ChildProcess | null = null;
  let stopping = false;
  // the terminal sends Ctrl-C to the whole process group: the child stops by itself, the
  // launcher only waits for it (and passes the signal on when it came from elsewhere)
  const forward = (signal: NodeJS.Signals) => () => {
    stopping = true;
    child?.kill(signal);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return new Promise((resolve) => {
    const start = () => {
      child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.entry, ...(options.args ?? [])], {
        stdio: 'inherit',
        env: { ...(options.env ?? process.env), [SUPERVISED_ENV]: 'launcher' },
      });
      child.on('exit', (code, signal) => {
        if (code === EXIT_RESTART && !stopping) {
          say('Restarting the server (requested from the console)');
          start();
          return;
        }
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        resolve(code ?? (signal ? 128 + (signalNumber(signal) ?? 0) : 1));
      });
    };
    start();
  });
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return numbers[signal];
}
