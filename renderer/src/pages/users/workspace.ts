// Opens a database's workspace in a new tab, signed in as its admin (the server sets the engine's
// cookie). The tab is opened at the click, before the answer, so no popup blocker stops it.
// (In the desktop app the system browser opens the workspace's login instead.)
import type { ConsoleBridge } from '../../bridge/types.js';
import { t } from '../../i18n/index.js';
import { usersErrorText } from './texts.js';

export interface WorkspaceOutcome { ok: boolean; text: string }

export async function openWorkspace(bridge: ConsoleBridge, db: string): Promise<WorkspaceOutcome> {
  // the desktop app opens web addresses in the system browser, which does not share the window's
  // cookies: there the workspace asks for a login
  if (bridge.desktop) {
    const url = bridge.serverUrl(`/${db}/`);
    window.open(url, '_blank');
    return { ok: true, text: t('users.openedInBrowser', { db, url }) };
  }
  const tab = window.open('', '_blank');
  try {
    const session = await bridge.openWorkspace(db);
    if (!tab) return { ok: false, text: t('users.popupBlocked', { url: session.url }) };
    tab.location.href = session.url;
    return { ok: true, text: t('users.workspaceOpened', { db, login: session.login }) };
  } catch (error) {
    tab?.close();
    const text = usersErrorText(error);
    const code = (error as { code?: unknown }).code;
    return { ok: false, text: code === 'no_admin_user' ? `${text} ${t('users.loginHint', { url: bridge.serverUrl(`/${db}/`) })}` : text };
  }
}
