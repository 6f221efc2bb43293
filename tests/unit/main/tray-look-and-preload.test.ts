import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IPC_CHANNELS } from '../../../main/ipc-contract.js';
import { trayLook } from '../../../main/tray-look.js';

describe('trayLook', () => {
  it('maps every server state to one of three tray images', () => {
    expect(trayLook('running')).toBe('running');
    for (const state of ['degraded', 'starting', 'restarting'] as const) expect(trayLook(state)).toBe('degraded');
    for (const state of ['idle', 'stopping', 'stopped', 'failed', 'crash-loop'] as const) expect(trayLook(state)).toBe('stopped');
  });
});

describe('preload', () => {
  it('restates exactly the channel names of the contract', () => {
    const source = readFileSync('main/preload/index.ts', 'utf8');
    for (const [key, channel] of Object.entries(IPC_CHANNELS)) expect(source).toContain(`${key}: '${channel}'`);
  });

  const built = 'dist/main/preload/index.js';
  it.skipIf(!existsSync(built))('compiles to a classic CommonJS script (sandboxed preloads cannot be ES modules)', () => {
    const js = readFileSync(built, 'utf8');
    expect(js).not.toMatch(/^\s*(import|export)\s/m);
    expect(js).toContain('require("electron")');
    expect(js).toContain("exposeInMainWorld('integramDesktop'");
  });
});
