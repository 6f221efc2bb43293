/**
 * The sign-in by QR code's pure pieces (workspace/src/qr.ts and the `qrpoll` answer in
 * api/legacy.ts): the SVG path is drawn into pixels here and read back with a QR decoder (jsQR),
 * so the code on the screen holds exactly the engine's address; the loopback check behind the
 * LAN hint; the countdown; what each poll answer does.
 */
import { describe, expect, it } from 'vitest';
import jsqr from 'jsqr';
import { countdown, isLoopbackUrl, nextState, pairGroups, qrPicture, qrReturnAddress, QUIET_ZONE, secondsLeft } from '../../../workspace/src/qr.js';
import { parsePollAnswer } from '../../../workspace/src/api/legacy.js';

// jsqr is CommonJS whose types declare a default export: the function is its `default` either way
const jsQR = jsqr.default;

/** the path's rectangles (`M x y h w v 1 h -w z`) filled black on white, `scale` pixels a module */
function rasterize(picture: { size: number; path: string }, scale = 4): { data: Uint8ClampedArray; width: number; dark: boolean[][] } {
  const width = picture.size * scale;
  const dark = Array.from({ length: picture.size }, () => Array<boolean>(picture.size).fill(false));
  const re = /M(\d+) (\d+)h(\d+)v1h-(\d+)z/g;
  let consumed = 0;
  for (let m = re.exec(picture.path); m; m = re.exec(picture.path)) {
    const [x, y, w, back] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
    expect(back).toBe(w);
    for (let i = 0; i < w; i += 1) {
      expect(dark[y][x + i]).toBe(false); // no module drawn twice
      dark[y][x + i] = true;
    }
    consumed += m[0].length;
  }
  expect(consumed).toBe(picture.path.length); // nothing in the path but those rectangles
  const data = new Uint8ClampedArray(width * width * 4);
  for (let py = 0; py < width; py += 1) {
    for (let px = 0; px < width; px += 1) {
      const v = dark[Math.floor(py / scale)][Math.floor(px / scale)] ? 0 : 255;
      data.set([v, v, v, 255], (py * width + px) * 4);
    }
  }
  return { data, width, dark };
}

const URL_64 = `http://192.168.1.20:8081/shop/qrlogin?c=${'a1'.repeat(32)}`;

describe('qrPicture', () => {
  it.each([
    URL_64,
    `http://localhost:8081/my/qrlogin?c=${'0'.repeat(64)}`,
    `https://integram.example.org/some_tenant/qrlogin?c=${'f'.repeat(64)}`,
  ])('draws a code that reads back as %s', (url) => {
    const picture = qrPicture(url);
    const { data, width } = rasterize(picture);
    expect(jsQR(data, width, width)?.data).toBe(url);
  });

  it('has the quiet zone: no dark module within four modules of the edge', () => {
    const picture = qrPicture(URL_64);
    const { dark } = rasterize(picture);
    const n = picture.size;
    for (let i = 0; i < n; i += 1) {
      for (let q = 0; q < QUIET_ZONE; q += 1) {
        expect([dark[q][i], dark[n - 1 - q][i], dark[i][q], dark[i][n - 1 - q]]).toEqual([false, false, false, false]);
      }
    }
    // the finder pattern's corner sits right inside it
    expect(dark[QUIET_ZONE][QUIET_ZONE]).toBe(true);
    // a 64-hex-digit address over LAN fits a version 6 code (41 modules) at level M
    expect(n - 2 * QUIET_ZONE).toBe(41);
  });

  it('a different address gives a different picture', () => {
    expect(qrPicture(URL_64).path).not.toBe(qrPicture(URL_64.replace('a1a1', 'b2b2')).path);
  });
});

describe('isLoopbackUrl', () => {
  it.each([
    'http://localhost:8081/my/qrlogin?c=1',
    'http://LOCALHOST/my',
    'http://app.localhost:8081/my',
    'http://127.0.0.1:8081/my',
    'http://127.1.2.3/my',
    'http://[::1]:8081/my',
    'http://0.0.0.0:8081/my',
  ])('%s cannot be reached from a phone', (url) => {
    expect(isLoopbackUrl(url)).toBe(true);
  });

  it.each([
    'http://192.168.1.20:8081/my/qrlogin?c=1',
    'http://10.0.0.5/my',
    'http://office-pc.lan:8081/my',
    'https://integram.example.org/my',
    'http://[fe80::1]:8081/my',
    'http://127.0.0.1.example.org/my',
    'not an address',
  ])('%s is not a loopback address', (url) => {
    expect(isLoopbackUrl(url)).toBe(false);
  });
});

describe('qrReturnAddress', () => {
  const code = 'a1'.repeat(32);
  it('returns to the QR confirmation page of this database only', () => {
    expect(qrReturnAddress(`/shop/qrlogin?c=${code}`, 'shop')).toBe(`/shop/qrlogin?c=${code}`);
    expect(qrReturnAddress(`/Shop/qrlogin?c=${code}`, 'shop')).toBe(`/Shop/qrlogin?c=${code}`);
  });

  it.each([
    null,
    '',
    `/other/qrlogin?c=${code}`,
    `/shop/qrlogin?c=${code}&next=//evil.example`,
    '/shop/qrlogin?c=xyz',
    `/shop/object/18`,
    `https://evil.example/shop/qrlogin?c=${code}`,
    `//evil.example/shop/qrlogin?c=${code}`,
    `/shop/qrlogin?c=${code}#x`,
  ])('ignores %s', (uri) => {
    expect(qrReturnAddress(uri, 'shop')).toBeNull();
  });
});

describe('countdown', () => {
  it('counts whole seconds left, never below zero', () => {
    expect(secondsLeft(120, 1_000_000, 1_000_000)).toBe(120);
    expect(secondsLeft(120, 1_000_000, 1_000_500)).toBe(120);
    expect(secondsLeft(120, 1_000_000, 1_001_000)).toBe(119);
    expect(secondsLeft(120, 1_000_000, 1_119_001)).toBe(1);
    expect(secondsLeft(120, 1_000_000, 1_120_000)).toBe(0);
    expect(secondsLeft(120, 1_000_000, 1_500_000)).toBe(0);
  });

  it('writes m:ss', () => {
    expect(countdown(120)).toBe('2:00');
    expect(countdown(65)).toBe('1:05');
    expect(countdown(9)).toBe('0:09');
    expect(countdown(0)).toBe('0:00');
    expect(countdown(-3)).toBe('0:00');
  });

  it('groups the pair number in threes', () => {
    expect(pairGroups('042917')).toBe('042 917');
    expect(pairGroups('12345')).toBe('12345');
  });
});

describe('the qrpoll answers', () => {
  it('reads the four answers of the engine', () => {
    expect(parsePollAnswer({ status: 'pending' })).toEqual({ status: 'pending' });
    expect(parsePollAnswer({ status: 'expired' })).toEqual({ status: 'expired' });
    expect(parsePollAnswer({ status: 'denied' })).toEqual({ status: 'denied' });
    expect(parsePollAnswer({ status: 'confirmed', token: 'tok', _xsrf: 'x', user: 'ivan' })).toEqual({ status: 'confirmed', token: 'tok', _xsrf: 'x', user: 'ivan' });
  });

  it('takes nothing else for an answer', () => {
    expect(parsePollAnswer({ status: 'confirmed' })).toBeNull(); // no token: nothing to sign in with
    expect(parsePollAnswer({ status: 'confirmed', token: '' })).toBeNull();
    expect(parsePollAnswer({ status: 'other' })).toBeNull();
    expect(parsePollAnswer([{ error: 'x' }])).toBeNull();
    expect(parsePollAnswer(null)).toBeNull();
    expect(parsePollAnswer('pending')).toBeNull();
  });

  it('decides the screen: the code stays while pending with time left; the engine\'s expired ends it early', () => {
    expect(nextState({ status: 'pending' }, 30)).toBe('showing');
    expect(nextState({ status: 'pending' }, 0)).toBe('expired');
    expect(nextState({ status: 'expired' }, 90)).toBe('expired');
    expect(nextState({ status: 'denied' }, 90)).toBe('denied');
    expect(nextState({ status: 'confirmed', token: 't', _xsrf: 'x', user: 'u' }, 0)).toBe('signing-in');
  });
});
