// Types of net.mjs.

/** A port that was free on 127.0.0.1 a moment ago, never handed out twice by this process. */
export function freePort(): Promise<number>;
export function canConnect(port: number): Promise<boolean>;
export function sleep(ms: number): Promise<void>;
