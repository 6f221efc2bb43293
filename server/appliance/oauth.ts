/**
 * The OAuth sign-in of the legacy engine as this server configures it (engine/oauth.ts does the
 * flow): the providers whose client id and secret are set, their endpoints (the real ones by
 * default; tests point them at a fake provider on 127.0.0.1), the redirect_uri base, whether an
 * unknown user may register, and the outbound requests (node's fetch, a time limit, a size limit,
 * no redirects followed).
 */
import type { AppConfig } from '../config/index.js';
import type { EngineOAuthPort, OAuthHttpRequest, OAuthProvider } from '../engine/index.js';

/** a provider that does not answer within this long counts as unreachable */
const TIMEOUT_MS = 10_000;
/** a larger answer is no token or userinfo */
const MAX_ANSWER_BYTES = 1024 * 1024;

type OAuthSettings = Pick<AppConfig,
  | 'OAUTH_GOOGLE_CLIENT_ID' | 'OAUTH_GOOGLE_CLIENT_SECRET' | 'OAUTH_GOOGLE_TOKEN_URL' | 'OAUTH_GOOGLE_USERINFO_URL'
  | 'OAUTH_YANDEX_CLIENT_ID' | 'OAUTH_YANDEX_CLIENT_SECRET' | 'OAUTH_YANDEX_TOKEN_URL' | 'OAUTH_YANDEX_USERINFO_URL'
  | 'PUBLIC_URL' | 'REGISTRATION_ENABLED'>;

function provider(clientId: string | undefined, clientSecret: string | undefined, tokenUrl: string, userinfoUrl: string): OAuthProvider | undefined {
  return clientId && clientSecret ? { clientId, clientSecret, tokenUrl, userinfoUrl } : undefined;
}

/** one request: any HTTP status resolves; no answer in time, a refused connection or an oversized body rejects */
export async function oauthRequest(req: OAuthHttpRequest): Promise<{ status: number; text: string }> {
  const res = await fetch(req.url, {
    method: req.method,
    headers: req.headers,
    body: req.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > MAX_ANSWER_BYTES) {
    await res.body?.cancel();
    throw new Error(`answer of ${declared} bytes is too large`);
  }
  const bytes = await res.arrayBuffer();
  if (bytes.byteLength > MAX_ANSWER_BYTES) throw new Error(`answer of ${bytes.byteLength} bytes is too large`);
  return { status: res.status, text: new TextDecoder().decode(bytes) };
}

export function oauthPort(config: OAuthSettings, request: EngineOAuthPort['request'] = oauthRequest): EngineOAuthPort {
  return {
    google: provider(config.OAUTH_GOOGLE_CLIENT_ID, config.OAUTH_GOOGLE_CLIENT_SECRET, config.OAUTH_GOOGLE_TOKEN_URL, config.OAUTH_GOOGLE_USERINFO_URL),
    yandex: provider(config.OAUTH_YANDEX_CLIENT_ID, config.OAUTH_YANDEX_CLIENT_SECRET, config.OAUTH_YANDEX_TOKEN_URL, config.OAUTH_YANDEX_USERINFO_URL),
    publicUrl: config.PUBLIC_URL ? config.PUBLIC_URL.replace(/\/+$/, '') : null,
    registration: config.REGISTRATION_ENABLED,
    request,
  };
}
