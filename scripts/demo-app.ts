/**
 * `npm run demo-app`: a tiny app that signs people in with Foyer, to try apps locally in a few minutes
 * (README, "Sign in to your first app"). It is a real OpenID Connect relying party (scripts/demo-relying-party.ts:
 * openid-client with discovery, authorization code and PKCE, the ID token checked) on http://127.0.0.1:3001, and it
 * prints the signed-in person's claims. Register it in Foyer with the redirect URI http://127.0.0.1:3001/callback,
 * then:
 *
 *   DEMO_CLIENT_ID=… DEMO_CLIENT_SECRET=… npm run demo-app
 *
 * FOYER_URL (default http://localhost:3000) is where Foyer runs; leave DEMO_CLIENT_SECRET out for a public app.
 */
import { createServer } from 'node:http';
import { answering, demoPage, demoSignIn, escapeHtml, type DemoAnswer } from './demo-relying-party.js';

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

const signIn = await demoSignIn({ issuer: foyerUrl, clientId, clientSecret, redirectUri, scope: 'openid profile email groups' });
const page = (body: string) => demoPage('Demo app', body);

async function answer(url: URL): Promise<DemoAnswer> {
  if (url.pathname === '/') return { status: 200, body: page('<h1>Demo app</h1><p><a href="/login">Sign in with Foyer</a></p>') };
  if (url.pathname === '/login') return { status: 302, location: (await signIn.start()).href };
  if (url.pathname === '/callback') {
    const outcome = await signIn.finish(url);
    if (outcome.kind === 'refused') {
      console.log(`Foyer refused: ${outcome.error} ${outcome.description}`);
      return {
        status: 403,
        body: page(`<h1>Not signed in</h1><p>${escapeHtml(outcome.error)}: ${escapeHtml(outcome.description)}</p><p><a href="/">Back</a></p>`),
      };
    }
    if (outcome.kind === 'unknown_sign_in') return { status: 400, body: page('<h1>Unknown sign-in</h1><p><a href="/login">Sign in again</a></p>') };
    const claims = JSON.stringify(outcome.claims, null, 2);
    console.log('Signed in:', claims);
    return {
      status: 200,
      body: page(
        `<h1>Signed in as ${escapeHtml(String(outcome.claims.email ?? outcome.claims.sub))}</h1><p>The ID token's claims:</p>` +
          `<pre>${escapeHtml(claims)}</pre><p><a href="/login">Sign in again</a></p>`,
      ),
    };
  }
  return { status: 404, body: page('<h1>Not found</h1>') };
}

createServer(answering('Demo app', answer, () => here)).listen(port, '127.0.0.1', () =>
  console.log(`Demo app at ${here}/ — open it and sign in with Foyer (${foyerUrl}).`),
);
