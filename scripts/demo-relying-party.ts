/**
 * The sign-in half of a demo app that uses Foyer as its OpenID Provider, as a self-hosted app would: openid-client
 * with discovery, authorization code with PKCE, state and nonce checked, the ID token verified. `npm run demo-app`
 * (scripts/demo-app.ts) and the apps e2e flow (e2e/apps.test.ts) both sign people in through it.
 */
import type { RequestListener } from 'node:http';
import * as oidc from 'openid-client';

export type SignInOutcome =
  | { kind: 'signed_in'; claims: oidc.IDToken; tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers }
  | { kind: 'refused'; error: string; description: string }
  | { kind: 'unknown_sign_in' };

export interface DemoSignIn {
  /** Where to send the browser: Foyer's authorization endpoint for a new sign-in. */
  start(): Promise<URL>;
  /** The callback: redeems the code of a sign-in this app started, or says what Foyer sent back instead. */
  finish(callback: URL): Promise<SignInOutcome>;
}

/** Discovers Foyer at `issuer` and signs in as the app `clientId` (a public app when there is no secret). */
export async function demoSignIn(options: {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  scope: string;
}): Promise<DemoSignIn & { rp: oidc.Configuration }> {
  const { clientId, clientSecret, redirectUri, scope } = options;
  const rp = await oidc.discovery(
    new URL(options.issuer),
    clientId,
    clientSecret,
    clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None(),
    // Foyer on http://localhost during development and tests; a real app talks to it over https.
    { execute: [oidc.allowInsecureRequests] },
  );
  // The sign-ins under way, by their `state`: a demo serves one person at a time, so no cookie is needed.
  const pending = new Map<string, { verifier: string; nonce: string }>();
  return {
    rp,
    async start() {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      pending.set(state, { verifier, nonce });
      return oidc.buildAuthorizationUrl(rp, {
        redirect_uri: redirectUri,
        scope,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
    },
    async finish(callback) {
      const error = callback.searchParams.get('error');
      if (error) return { kind: 'refused', error, description: callback.searchParams.get('error_description') ?? '' };
      const state = callback.searchParams.get('state') ?? '';
      const checks = pending.get(state);
      if (!checks) return { kind: 'unknown_sign_in' };
      pending.delete(state);
      const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: checks.verifier, expectedState: state, expectedNonce: checks.nonce });
      return { kind: 'signed_in', claims: tokens.claims()!, tokens };
    },
  };
}

export const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A whole HTML page, readable on a phone and in dark mode. */
export const demoPage = (title: string, body: string) =>
  `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
  `<title>${escapeHtml(title)}</title><style>:root{color-scheme:light dark}body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}` +
  `pre{white-space:pre-wrap;word-break:break-all}</style></head><body>${body}</body></html>`;

export interface DemoAnswer {
  status: number;
  body?: string;
  location?: string;
}

/** A request handler from an async answer: HTML replies and redirects, and a failure shown as a page. */
export function answering(title: string, answer: (url: URL) => Promise<DemoAnswer>, base: () => string): RequestListener {
  return (req, res) => {
    answer(new URL(req.url ?? '/', base())).then(
      (out) => {
        res.statusCode = out.status;
        if (out.location) res.setHeader('location', out.location);
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(out.body ?? '');
      },
      (error: Error) => {
        res.statusCode = 500;
        res.end(demoPage(title, `<h1>Sign-in failed</h1><p>${escapeHtml(error.message)}</p>`));
      },
    );
  };
}
