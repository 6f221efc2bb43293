import { describe, expect, it } from 'vitest';
import { desktopLocale, desktopTexts, problemDialogTexts, trayTexts } from '../../../main/desktop-text.js';
import type { ServerStateName } from '../../../main/ipc-contract.js';

const STATES: ServerStateName[] = ['idle', 'starting', 'running', 'degraded', 'restarting', 'stopping', 'stopped', 'failed', 'crash-loop'];

describe('the shell texts', () => {
  it('follow the console’s choice, else the OS language', () => {
    expect(desktopLocale('ru', 'en-US')).toBe('ru');
    expect(desktopLocale('en', 'ru-RU')).toBe('en');
    expect(desktopLocale(undefined, 'ru-RU')).toBe('ru');
    expect(desktopLocale(undefined, 'ru')).toBe('ru');
    expect(desktopLocale(undefined, 'de-DE')).toBe('en');
    expect(desktopLocale(undefined, undefined)).toBe('en');
  });

  it('build the tray menu and tooltip in Russian without English words (the product name aside)', () => {
    const text = trayTexts('ru', 'degraded', { state: 'degraded' });
    expect(text.header).toBe('Сервер: работает с ошибками');
    expect(text.tooltip).toBe('Integram Appliance — сервер требует внимания\nработает с ошибками');
    for (const label of [text.openConsole, text.openDataFolder, text.restartServer]) expect(label).not.toMatch(/[A-Za-z]/);
    expect(text.quit.replace('Integram Appliance', '')).not.toMatch(/[A-Za-z]/);
    for (const state of STATES) expect(desktopTexts('ru').state[state]).not.toMatch(/[A-Za-z]/);
  });

  it('build them in English, keep the supervisor’s reason and the Windows tooltip limit', () => {
    const text = trayTexts('en', 'stopped', { state: 'failed', reason: `port 8081 is in use${'!'.repeat(200)}\nsecond line` });
    expect(text.header.startsWith('Server: failed: port 8081 is in use')).toBe(true);
    expect(text.header.length).toBeLessThanOrEqual(80);
    expect(text.tooltip.length).toBeLessThanOrEqual(127);
    expect(text.tooltip).not.toContain('second line');
    expect(trayTexts('en', 'stopped', undefined).header).toBe('Server: starting');
  });

  it('name the problem dialog and its four buttons in the chosen language', () => {
    expect(problemDialogTexts('en', 'crash-loop')).toEqual({
      message: 'The Integram server keeps crashing', buttons: ['Restart server', 'Open data folder', 'Open logs', 'Close'],
    });
    const ru = problemDialogTexts('ru', 'failed');
    expect(ru.message).toBe('Сервер Integram не смог запуститься');
    expect(ru.buttons).toEqual(['Перезапустить сервер', 'Открыть папку данных', 'Открыть журналы', 'Закрыть']);
  });
});
