/** Which paths skip the app's parsers and routers and go straight to the legacy URL API. */
import { describe, expect, it } from 'vitest';
import { ownedByLegacy } from '../../../server/runtime/compose.js';

describe('ownedByLegacy', () => {
  it('claims /{db}/... and /api/{db}/...', () => {
    for (const path of ['/my', '/my/', '/my/xsrf', '/my/object/18', '/MY/Object/18', '/api/my/xsrf', '/API/my/auth', '/bench/_m_new/1018']) {
      expect(ownedByLegacy(path), path).toBe(true);
    }
  });

  it('leaves the root, health, console, workspace assets, docs, admin and the modern API to their layers', () => {
    for (const path of [
      '/', '/health', '/health/ready', '/Health', '/console', '/console/', '/console/assets/x.js', '/CONSOLE/',
      '/workspace', '/workspace/assets/index.js', '/Workspace/',
      '/api', '/api/', '/api/health', '/api/admin/status', '/API/Admin/login', '/api/auth/login', '/api/v2/integram/my',
      '/api/organizations', '/api/openapi.json', '/api/docs/', '/api/deployment-info', '/api/system-resources',
    ]) {
      expect(ownedByLegacy(path), path).toBe(false);
    }
  });
});
