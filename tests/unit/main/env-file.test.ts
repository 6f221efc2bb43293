import { describe, expect, it } from 'vitest';
import { parseEnvText, resolveEndpoint, resolveUpdateFeed } from '../../../main/env-file.js';

describe('parseEnvText', () => {
  it('reads the lines main needs', () => {
    const text = ['# comment', 'PORT=9090', 'export HOST="0.0.0.0"', "UPDATE_URL='http://u.lan/x'  ", 'UPDATE_CHANNEL=beta # inline', 'junk line', ''].join('\n');
    expect(parseEnvText(text)).toEqual({ PORT: '9090', HOST: '0.0.0.0', UPDATE_URL: 'http://u.lan/x', UPDATE_CHANNEL: 'beta' });
  });
});

describe('resolveEndpoint', () => {
  it('environment wins over the file, defaults 8081 and 127.0.0.1', () => {
    expect(resolveEndpoint({}, {})).toEqual({ port: 8081, host: '127.0.0.1' });
    expect(resolveEndpoint({ PORT: '9000', HOST: '0.0.0.0' }, {})).toEqual({ port: 9000, host: '0.0.0.0' });
    expect(resolveEndpoint({ PORT: '9000' }, { PORT: '9100' })).toEqual({ port: 9100, host: '127.0.0.1' });
  });
});

describe('resolveUpdateFeed', () => {
  it('environment wins over the file as in the server, empty counts as unset, channel defaults to latest', () => {
    expect(resolveUpdateFeed({}, {})).toEqual({ url: undefined, channel: 'latest' });
    expect(resolveUpdateFeed({ UPDATE_URL: 'http://u.lan/feed', UPDATE_CHANNEL: 'beta' }, {})).toEqual({ url: 'http://u.lan/feed', channel: 'beta' });
    expect(resolveUpdateFeed({ UPDATE_URL: 'http://file.lan/' }, { UPDATE_URL: 'http://env.lan/' }).url).toBe('http://env.lan/');
    expect(resolveUpdateFeed({ UPDATE_URL: 'http://file.lan/', UPDATE_CHANNEL: 'beta' }, { UPDATE_URL: '', UPDATE_CHANNEL: ' ' })).toEqual({ url: 'http://file.lan/', channel: 'beta' });
  });
});
