/**
 * `npm run demo-app`: a tiny app that signs people in with Foyer, to try apps locally in a few minutes
 * (README, "Sign in to your first app"). It is a real OpenID Connect relying party (openid-client with discovery,
 * authorization code and PKCE, the ID token checked) on http://127.0.0.1:3001, and it prints the signed-in person's
 * claims. Register it in Foyer with the redirect URI http://127.0.0.1:3001/callback, then:
 *
 *   DEMO_CLIENT_ID=… DEMO_CLIENT_SECRET=… npm run demo-app
 *
 * FOYER_URL (default http://localhost:3000) is where Foyer runs; leave DEMO_CLIENT_SECRET out for a public app.
 */
import { createServer } from 'node:http';
import * as oidc from 'openid-client';

const foyerUrl = process.env.FOYER_URL ?? 'http://localhost:3000';
const clientId = process.env.DEMO_CLIENT_ID;
const clientSecret = process.env.DEMO_CLIENT_SECRET || undefined;
const port = Number(process.env.DEMO_PORT ?? 3001);
const here = `http://127.0.0.1:${port}`;
const redirectUri = `${here}/callback`;

if (!clientId) {
  console.error(`Set DEMO_CLIENT_ID (and DEMO_CLIENT_SECRET for a server app) to the app's values in Foyer.
Register the app in Foyer (Apps → New app) with the redirect URI ${redirectUri}.`);
  process.exit(1);
}

const rp = await oidc.discovery(
  new URL(foyerUrl),
  clientId,
  clientSecret,
  clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None(),
  // Foyer on http://localhost during development; a real app talks to it over https.
  { execute: [oidc.allowInsecureRequests] },
);

/** The sign-ins under way, by their `state`: this demo serves one person at a time, so no cookie is needed. */
const pending = new Map<string, { verifier: string; nonce: string }>();

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const page = (body: string) =>
  `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
  `<title>Demo app</title><style>:root{color-scheme:light dark}body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}` +
  `pre{white-space:pre-wrap;word-break:break-all}</style></head><body>${body}</body></html>`;

async function answer(url: URL): Promise<{ status: number; body?: string; location?: string }> {
  if (url.pathname === '/') return { status: 200, body: page('<h1>Demo app</h1><p><a href="/login">Sign in with Foyer</a></p>') };
  if (url.pathname === '/login') {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    pending.set(state, { verifier, nonce });
    const to = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: redirectUri,
      scope: 'openid profile email groups',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { status: 302, location: to.href };
  }
  if (url.pathname === '/callback') {
    const error = url.searchParams.get('error');
    if (error) {
      const description = url.searchParams.get('error_description') ?? '';
      console.log(`Foyer refused: ${error} ${description}`);
      return { status: 403, body: page(`<h1>Not signed in</h1><p>${escapeHtml(error)}: ${escapeHtml(description)}</p><p><a href="/">Back</a></p>`) };
    }
    const state = url.searchParams.get('state') ?? '';
    const checks = pending.get(state);
    if (!checks) return { status: 400, body: page('<h1>Unknown sign-in</h1><p><a href="/login">Sign in again</a></p>') };
    pending.delete(state);
    const tokens = await oidc.authorizationCodeGrant(rp, url, { pkceCodeVerifier: checks.verifier, expectedState: state, expectedNonce: checks.nonce });
    const claims = tokens.claims()!;
    console.log('Signed in:', JSON.stringify(claims, null, 2));
    return {
      status: 200,
      body: page(`<h1>Signed in as ${escapeHtml(String(claims.email ?? claims.sub))}</h1><p>The ID token's claims:</p><pre>${escapeHtml(JSON.stringify(claims, null, 2))}</pre><p><a href="/login">Sign in again</a></p>`),
    };
  }
  return { status: 404, body: page('<h1>Not found</h1>') };
}

createServer((req, res) => {
  answer(new URL(req.url ?? '/', here)).then(
    (out) => {
      res.statusCode = out.status;
      if (out.location) res.setHeader('location', out.location);
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(out.body ?? '');
    },
    (error: Error) => {
      console.error(error);
      res.statusCode = 500;
      res.end(page(`<h1>Sign-in failed</h1><p>${escapeHtml(error.message)}</p>`));
    },
  );
}).listen(port, '127.0.0.1', () => console.log(`Demo app at ${here}/ — open it and sign in with Foyer (${foyerUrl}).`));
