import { describe, expect, it } from 'vitest';
import { applyUpdateEvent, fromDesktopStatus } from '../../../renderer/src/lib/desktop-update.js';

describe('desktop updater → console update status', () => {
  it('reports a package type that cannot update as unsupported, with the reason', () => {
    expect(fromDesktopStatus({ enabled: false, reason: 'deb packages update through apt', currentVersion: '1.0.0', packageType: 'deb' }))
      .toEqual({ supported: false, currentVersion: '1.0.0', state: 'unsupported', reason: 'deb packages update through apt' });
  });

  it('follows check → available → progress → downloaded', () => {
    let status = fromDesktopStatus({ enabled: true, currentVersion: '1.0.0', packageType: 'nsis' });
    expect(status.state).toBe('idle');
    status = applyUpdateEvent(status, { kind: 'checking' });
    expect(status.state).toBe('checking');
    status = applyUpdateEvent(status, { kind: 'available', version: '1.1.0' });
    expect(status).toMatchObject({ state: 'available', available: '1.1.0' });
    status = applyUpdateEvent(status, { kind: 'progress', percent: 42.5, transferred: 1, total: 2, bytesPerSecond: 1 });
    expect(status).toMatchObject({ state: 'downloading', percent: 42.5, available: '1.1.0' });
    status = applyUpdateEvent(status, { kind: 'downloaded', version: '1.1.0' });
    expect(status).toMatchObject({ state: 'downloaded', percent: 100 });
  });

  it('keeps the last event of a console opened later, and shows errors', () => {
    const status = fromDesktopStatus({ enabled: true, currentVersion: '1.0.0', packageType: 'AppImage', last: { kind: 'error', message: 'proxy refused' } });
    expect(status).toMatchObject({ supported: true, state: 'error', reason: 'proxy refused' });
    expect(applyUpdateEvent(status, { kind: 'not-available', version: '1.0.0' }).state).toBe('idle');
  });
});
