// Types of net.mjs.

/** A port that was free on 127.0.0.1 a moment ago, never handed out twice by this process, below
 * the OS's ephemeral range, from this test worker's own slice. */
export function freePort(): Promise<number>;
/** Where the OS's ephemeral ports start (Linux), or null. */
export function ephemeralPortStart(): number | null;
export function canConnect(port: number): Promise<boolean>;
export function sleep(ms: number): Promise<void>;
