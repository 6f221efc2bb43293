import { HttpBridge } from './http.js';
import { IpcBridge } from './ipc.js';
import type { ConsoleBridge } from './types.js';

/**
 * IpcBridge when the preload script exposed the desktop API, else HttpBridge against the origin
 * that served the console. The console is expected on the server's own origin
 * (http://127.0.0.1:8081/console/) in both cases, so the admin cookie is same-origin.
 */
export function pickBridge(): ConsoleBridge {
  const desktop = window.integramDesktop;
  return desktop ? new IpcBridge(desktop) : new HttpBridge();
}
