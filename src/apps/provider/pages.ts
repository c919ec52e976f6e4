/**
 * The few pages the engine itself renders: an error the browser cannot be sent back to the app with (unknown app,
 * unregistered redirect URI), and the sign-out confirmation of RP-initiated logout. Plain HTML, no scripts.
 */
interface PageContext {
  type: string;
  body: string;
  oidc?: { client?: { clientName?: string; clientId: string } };
}

const escapeHtml = (value: unknown) =>
  String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const page = (title: string, body: string) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Foyer</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1f2937;--accent:#4338ca;--on-accent:#fff}
header{font-weight:700;font-size:1.25rem;color:var(--accent)}h1{font-size:1.4rem}a{color:var(--accent)}
button{font:inherit;padding:.5rem 1rem;border-radius:.4rem;border:1px solid var(--accent);background:transparent;color:var(--accent);cursor:pointer}
button[value=yes]{background:var(--accent);color:var(--on-accent)}
:root{color-scheme:light dark}@media (prefers-color-scheme:dark){body{background:#1a1b1e;color:#e5e7eb;--accent:#a5b4fc;--on-accent:#1a1b1e}}</style>
</head><body><header>Foyer</header>${body}</body></html>`;

/** The administrator step that lets a refused person in, said wherever a refusal is explained. */
const ADMIN_CAN_ADD = 'An administrator can add you to one of the groups that opens it.';
/** The refusal an app receives as `error_description` and can show. */
export const ACCESS_DENIED = `You do not have access to this app. ${ADMIN_CAN_ADD}`;

/** What the person reads, by the OAuth error the engine hit; the codes are the specs', the sentences ours. */
const EXPLANATIONS: Record<string, string> = {
  invalid_client: 'The app that sent you here is not registered with Foyer. Ask its administrator to check its client ID.',
  invalid_redirect_uri: 'The app asked Foyer to send you back to an address it has not registered. Ask an administrator to add it to the app in Foyer.',
  access_denied: ACCESS_DENIED,
};

export async function errorPage(ctx: PageContext, out: { error: string; error_description?: string }): Promise<void> {
  const explanation =
    EXPLANATIONS[out.error] ??
    (out.error === 'invalid_request' && /redirect_uri/.test(out.error_description ?? '')
      ? EXPLANATIONS.invalid_redirect_uri
      : 'The app sent a sign-in request Foyer cannot use. Go back to the app and try again.');
  ctx.type = 'html';
  ctx.body = page(
    'Cannot sign you in',
    `<h1>Foyer cannot sign you in to this app</h1><p>${escapeHtml(explanation)}</p>
<p><small>Error: ${escapeHtml(out.error)}${out.error_description ? ` — ${escapeHtml(out.error_description)}` : ''}</small></p>
<p><a href="/">Go to your Foyer home</a></p>`,
  );
}

export async function logoutPage(ctx: PageContext, form: string): Promise<void> {
  const app = ctx.oidc?.client?.clientName;
  ctx.type = 'html';
  ctx.body = page(
    'Sign out',
    `<h1>Sign out${app ? ` of ${escapeHtml(app)}` : ''}?</h1><p>Sign out of Foyer and every app you opened with it, or only of ${app ? escapeHtml(app) : 'this app'}: you stay signed in to Foyer and your other apps.</p>${form}
<p><button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button></p>
<p><button type="submit" form="op.logoutForm">Only sign out of ${app ? escapeHtml(app) : 'this app'}</button></p>`,
  );
}

export async function signedOutPage(ctx: PageContext): Promise<void> {
  const app = ctx.oidc?.client?.clientName;
  ctx.type = 'html';
  ctx.body = page(
    'Signed out',
    `<h1>You are signed out${app ? ` of ${escapeHtml(app)}` : ''}</h1><p>${app ? 'You are still signed in to Foyer and your other apps. ' : ''}You can close this page.</p><p><a href="/">Go to your Foyer home</a></p>`,
  );
}

/**
 * A refused launch from Foyer itself (a home tile, a shared `/apps/<id>/open` link): no app asked, so none is waiting
 * for an answer, and the person reads here, in words, the administrator action that would let them in.
 */
/**
 * `groups` is left out for External users: the names of the organisation's groups are not theirs to read (they see
 * only their own apps), so they are told to ask for access without them.
 */
export function cannotOpenPage(app: { name: string; groups: { name: string }[] | null; everyone: boolean } | null): string {
  if (!app) {
    return page(
      'App not found',
      `<h1>This app is not in Foyer</h1><p>It may have been removed. Ask an administrator for its new address.</p>
<p><a href="/">Go to your Foyer home</a></p>`,
    );
  }
  const action = !app.groups
    ? 'Ask an administrator to give you access to it.'
    : app.groups.length === 0 && !app.everyone
      ? 'This app is open to nobody yet. Ask an administrator to choose who may open it: everyone, or some groups.'
      : `Ask an administrator to add you to one of these groups: ${app.groups.map((g) => g.name).join(', ')}.`;
  return page(
    `You can't open ${app.name}`,
    `<h1>You can't open ${escapeHtml(app.name)}</h1><p>${escapeHtml(action)}</p><p><a href="/">Go to your Foyer home</a></p>`,
  );
}

/**
 * An app sign-in step Foyer can no longer continue (already answered, expired, or started in another browser), opened
 * in the browser, e.g. with Back after being refused: there is no app left to send it to, so the page says what to do.
 */
export const signInEndedPage = (explanation: string) =>
  page(
    'Sign-in ended',
    `<h1>This sign-in to an app has ended</h1><p>${escapeHtml(explanation)}</p>
<p>If the app told you that you do not have access to it: ${escapeHtml(ADMIN_CAN_ADD)}</p>
<p><a href="/">Go to your Foyer home</a></p>`,
  );

/** The pages above carry their own inline styles and no scripts. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'";
