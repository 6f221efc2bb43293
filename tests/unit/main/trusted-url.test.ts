import { describe, expect, it } from 'vitest';
import { classifyNavigation, consoleUrl, isConsoleUrl, isServerOrigin } from '../../../main/trusted-url.js';

describe('trusted URLs of the console window', () => {
  it('allows the console and pages below it on our loopback port', () => {
    expect(consoleUrl(8081)).toBe('http://127.0.0.1:8081/console');
    for (const url of ['http://127.0.0.1:8081/console', 'http://127.0.0.1:8081/console/', 'http://127.0.0.1:8081/console/settings?tab=db#x']) {
      expect(isConsoleUrl(url, 8081)).toBe(true);
      expect(classifyNavigation(url, 8081)).toBe('allow');
    }
  });

  it('rejects look-alikes', () => {
    const hostile = [
      'https://evil.example/?next=http://127.0.0.1:8081/console',
      'http://127.0.0.1:8081.evil.example/console',
      'http://127.0.0.1@evil.example:8081/console',
      'http://user:pw@127.0.0.1:8081/console',
      'http://127.0.0.1:8082/console',
      'http://localhost:8081/console',
      'https://127.0.0.1:8081/console',
      'http://127.0.0.1:8081/consolex',
      'http://127.0.0.1:8081/api/admin/settings',
      'http://127.0.0.1:8081/',
      'http://[::1]:8081/console',
      'http://0x7f000001:8081/console/', // URL normalises this to 127.0.0.1: still our server, allowed below
    ];
    for (const url of hostile.slice(0, -1)) expect(isConsoleUrl(url, 8081), url).toBe(false);
    // WHATWG URL canonicalises hex IPv4 to 127.0.0.1, which is the same socket: harmless.
    expect(isConsoleUrl(hostile.at(-1) as string, 8081)).toBe(true);
  });

  it('sends web links to the system browser and blocks other schemes', () => {
    expect(classifyNavigation('https://integram.io/docs', 8081)).toBe('external');
    expect(classifyNavigation('http://127.0.0.1:8081/api/docs', 8081)).toBe('external');
    expect(classifyNavigation('mailto:admin@example.com', 8081)).toBe('external');
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<b>x</b>', 'smb://server/share', 'not a url', 'https://u:p@example.com/']) {
      expect(classifyNavigation(url, 8081), url).toBe('block');
    }
  });

  it('recognises the server origin for API calls and nothing else', () => {
    expect(isServerOrigin('http://127.0.0.1:8081/api/admin/logs', 8081)).toBe(true);
    expect(isServerOrigin('http://127.0.0.1:9000/api', 8081)).toBe(false);
    expect(isServerOrigin('http://localhost:8081/api', 8081)).toBe(false);
  });
});
