/**
 * Concurrent callers that need the same value while it is being loaded share that one load:
 * when a cache entry expires under load, every request waiting for it would otherwise send its
 * own identical statements (measured: 32 connections refreshing the engine's metadata and
 * session caches sent ~230 statements a second for requests that need none).
 *
 * `generation` is the caller's notion of "nothing has changed since": a caller only joins a load
 * started under the same generation, so a write that moved it on is never answered from a read
 * that began before the write.
 */
export class SingleFlight<T> {
  private readonly running = new Map<string, { generation: number; promise: Promise<T> }>();

  run(key: string, generation: number, load: () => Promise<T>): Promise<T> {
    const inFlight = this.running.get(key);
    if (inFlight && inFlight.generation === generation) return inFlight.promise;
    const promise = load();
    this.running.set(key, { generation, promise });
    const settled = () => {
      if (this.running.get(key)?.promise === promise) this.running.delete(key);
    };
    promise.then(settled, settled);
    return promise;
  }

  /** later callers of these keys start a load of their own (e.g. the sessions of a database were invalidated) */
  forget(matches: (key: string) => boolean): void {
    for (const key of this.running.keys()) if (matches(key)) this.running.delete(key);
  }
}
