// A real store seen through a Proxy that lets a test watch (or hold) the calls made on it: every
// method of the store and of the tenant stores it hands out goes through `around`, which runs the
// call (or not) and returns its result. The tests that count store round trips share it.
import type { Store, TenantStore } from '../../server/storage/index.js';

/** `call` runs the method with the caller's arguments on the real object */
export type Around = (method: string, call: () => unknown) => unknown;

const passThrough: Around = (_method, call) => call();

function intercept<T extends object>(object: T, around: Around): T {
  return new Proxy(object, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => around(String(prop), () => (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
}

/** `store`: around the store's own methods; `tenant`: around the methods of every tenant store */
export function spyStore(store: Store, hooks: { store?: Around; tenant?: Around }): Store {
  const aroundStore = hooks.store ?? passThrough;
  const aroundTenant = hooks.tenant ?? passThrough;
  return intercept(store, (method, call) => (method === 'tenant' ? intercept(call() as TenantStore, aroundTenant) : aroundStore(method, call)));
}
