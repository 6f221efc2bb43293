// The desktop updater speaks in its own terms (main/ipc-contract.ts: enabled + last event); the
// updates page speaks the admin contract's UpdateStatus. These two functions translate. Pure.
import type { UpdateStatus } from '../contract.js';
import type { DesktopUpdateStatus, UpdateEvent } from '../bridge/desktop-api.js';

export function fromDesktopStatus(desktop: DesktopUpdateStatus): UpdateStatus {
  const base: UpdateStatus = { supported: desktop.enabled, currentVersion: desktop.currentVersion, state: 'idle' };
  if (!desktop.enabled) return { ...base, state: 'unsupported', reason: desktop.reason };
  return desktop.last ? applyUpdateEvent(base, desktop.last) : base;
}

export function applyUpdateEvent(previous: UpdateStatus, event: UpdateEvent): UpdateStatus {
  const next: UpdateStatus = { supported: previous.supported, currentVersion: previous.currentVersion, available: previous.available, state: previous.state };
  switch (event.kind) {
    case 'checking':
      return { ...next, state: 'checking' };
    case 'available':
      return { ...next, state: 'available', available: event.version };
    case 'not-available':
      return { ...next, state: 'idle', available: undefined };
    case 'progress':
      return { ...next, state: 'downloading', percent: event.percent };
    case 'downloaded':
      return { ...next, state: 'downloaded', available: event.version, percent: 100 };
    case 'error':
      return { ...next, state: 'error', reason: event.message };
  }
}
