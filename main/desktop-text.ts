/**
 * The shell's own texts (tray menu and tooltip, the server-problem dialog and page) in English and
 * Russian. The language is the console's choice when it told us (desktop settings `locale`), else
 * the OS's. Plain module, tested under Node; tray.ts and index.ts only ask it for strings.
 */
import type { DesktopLocale, ServerStateName } from './ipc-contract.js';
import type { TrayLook } from './tray-look.js';

/** The console's choice, else the OS language ('ru-RU' → ru; anything else → en). */
export function desktopLocale(chosen: DesktopLocale | undefined, osLanguage: string | undefined): DesktopLocale {
  if (chosen) return chosen;
  return osLanguage?.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

interface DesktopTexts {
  look: Record<TrayLook, string>;
  state: Record<ServerStateName, string>;
  serverStarting: string;
  tooltip: (look: string) => string;
  menuServer: (detail: string) => string;
  openConsole: string;
  openDataFolder: string;
  openLogs: string;
  restartServer: string;
  quit: string;
  close: string;
  crashLoop: string;
  couldNotStart: string;
  problemPageTitle: (state: string) => string;
  problemPageHint: string;
}

const EN: DesktopTexts = {
  look: { running: 'running', degraded: 'needs attention', stopped: 'stopped' },
  state: {
    idle: 'idle', starting: 'starting', running: 'running', degraded: 'degraded', restarting: 'restarting', stopping: 'stopping',
    stopped: 'stopped', failed: 'failed', 'crash-loop': 'keeps crashing',
  },
  serverStarting: 'starting',
  tooltip: (look) => `Integram Appliance — server ${look}`,
  menuServer: (detail) => `Server: ${detail}`,
  openConsole: 'Open console',
  openDataFolder: 'Open data folder',
  openLogs: 'Open logs',
  restartServer: 'Restart server',
  quit: 'Quit Integram Appliance',
  close: 'Close',
  crashLoop: 'The Integram server keeps crashing',
  couldNotStart: 'The Integram server could not start',
  problemPageTitle: (state) => `The server is ${state}`,
  problemPageHint: 'Use the tray icon to restart the server, open the data folder, or quit.',
};

const RU: DesktopTexts = {
  look: { running: 'работает', degraded: 'требует внимания', stopped: 'остановлен' },
  state: {
    idle: 'не запущен', starting: 'запускается', running: 'работает', degraded: 'работает с ошибками', restarting: 'перезапускается',
    stopping: 'останавливается', stopped: 'остановлен', failed: 'не запустился', 'crash-loop': 'постоянно падает',
  },
  serverStarting: 'запускается',
  tooltip: (look) => `Integram Appliance — сервер ${look}`,
  menuServer: (detail) => `Сервер: ${detail}`,
  openConsole: 'Открыть консоль',
  openDataFolder: 'Открыть папку данных',
  openLogs: 'Открыть журналы',
  restartServer: 'Перезапустить сервер',
  quit: 'Выйти из Integram Appliance',
  close: 'Закрыть',
  crashLoop: 'Сервер Integram постоянно падает',
  couldNotStart: 'Сервер Integram не смог запуститься',
  problemPageTitle: (state) => `Сервер: ${state}`,
  problemPageHint: 'Значок в трее позволяет перезапустить сервер, открыть папку данных или выйти.',
};

export function desktopTexts(locale: DesktopLocale): DesktopTexts {
  return locale === 'ru' ? RU : EN;
}

/** The tray's tooltip and menu texts for a server state (Windows limits the tooltip to 127 characters). */
export function trayTexts(
  locale: DesktopLocale,
  look: TrayLook,
  status: { state: ServerStateName; reason?: string } | undefined,
): { tooltip: string; header: string; openConsole: string; openDataFolder: string; restartServer: string; quit: string } {
  const text = desktopTexts(locale);
  // the reason is the supervisor's (English, technical: a port, an exit code); it stays as it is
  const detail = status ? `${text.state[status.state]}${status.reason ? `: ${status.reason.split('\n')[0]}` : ''}` : text.serverStarting;
  return {
    tooltip: `${text.tooltip(text.look[look])}\n${detail}`.slice(0, 127),
    header: text.menuServer(detail).slice(0, 80),
    openConsole: text.openConsole,
    openDataFolder: text.openDataFolder,
    restartServer: text.restartServer,
    quit: text.quit,
  };
}

/** The dialog shown when the server failed or keeps crashing; buttons in this order. */
export function problemDialogTexts(locale: DesktopLocale, state: ServerStateName): { message: string; buttons: string[] } {
  const text = desktopTexts(locale);
  return {
    message: state === 'crash-loop' ? text.crashLoop : text.couldNotStart,
    buttons: [text.restartServer, text.openDataFolder, text.openLogs, text.close],
  };
}
