/**
 * Every email Foyer sends, in plain text and HTML, through one rendering path. A template gets only the data it
 * shows; the one link or code a message exists to carry is returned as `secret`, so the outbox can cut it out of
 * the stored copy once it is delivered. Links always point at FOYER_PUBLIC_URL.
 */

export interface Instance {
  name: string;
  publicUrl: URL;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  secret: string | null;
}

export interface TemplateData {
  /** To the person who asked for access. */
  access_request_received: { name: string };
  /** To each administrator who holds users.create and has not opted out. */
  access_request_notice: { requesterName: string; requesterEmail: string; message: string };
  /**
   * The set-up link of a new account: an administrator's invitation (naming them), or an approved access request
   * (`invitedBy` null), which the person did ask for.
   */
  invitation: { name: string; link: string; expiresAt: Date; invitedBy: string | null };
  /** To the owner of an existing account whose access request was approved. */
  account_approved: { name: string };
  /** An administrator emails a sign-up link. */
  signup_link: { link: string; expiresAt: Date; invitedBy: string };
  login_link: { name: string; link: string; expiresAt: Date };
  password_reset: { name: string; link: string; expiresAt: Date };
  email_verification_code: { name: string; code: string; expiresAt: Date };
  email_2fa_code: { name: string; code: string; expiresAt: Date };
  /** To the previous address, so a hijacked account does not change hands silently. */
  email_changed: { name: string; newEmail: string };
  /** Settings → Email → Send test email. */
  test: { requestedBy: string };
}

export type TemplateName = keyof TemplateData;

export const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Resolves a path against the public URL and refuses anything that would leave this Foyer. */
export function linkTo(instance: Instance, pathOrUrl: string): string {
  const url = new URL(pathOrUrl, instance.publicUrl);
  if (url.origin !== instance.publicUrl.origin) {
    throw new Error(`mail links must point at ${instance.publicUrl.origin}, not ${url.origin}`);
  }
  return url.toString();
}

const expiry = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
const until = (date: Date) => `${expiry.format(date)} UTC`;

interface Layout {
  subject: string;
  greeting?: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  code?: string;
  closing?: string[];
  /** Which of `action.url` or `code` must not outlive delivery. */
  secret?: 'action' | 'code';
}

/** The shared frame of every message: greeting, paragraphs, one button or code, a closing line, the signature. */
function compose(instance: Instance, layout: Layout): RenderedMail {
  const closing = layout.closing ?? [];
  const text = [
    layout.greeting,
    ...layout.paragraphs,
    layout.action && `${layout.action.label}:\n${layout.action.url}`,
    layout.code && `    ${layout.code}`,
    ...closing,
    `— ${instance.name}\n${instance.publicUrl.origin}`,
  ]
    .filter((part): part is string => Boolean(part))
    .join('\n\n');

  const p = (s: string) => `<p style="margin:0 0 16px">${escapeHtml(s)}</p>`;
  const action = layout.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(layout.action.url)}" style="background:#4c6ef5;color:#ffffff;` +
      `padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:600">${escapeHtml(layout.action.label)}</a></p>` +
      `<p style="margin:0 0 16px;font-size:13px;color:#555">If the button does not work, open this address:<br>` +
      `<a href="${escapeHtml(layout.action.url)}">${escapeHtml(layout.action.url)}</a></p>`
    : '';
  const code = layout.code
    ? `<p style="margin:24px 0;font-size:28px;font-weight:700;letter-spacing:4px;font-family:monospace">${escapeHtml(layout.code)}</p>`
    : '';
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(layout.subject)}</title></head>` +
    `<body style="margin:0;padding:24px;background:#f8f9fa;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#212529">` +
    `<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #dee2e6;border-radius:8px;padding:32px">` +
    `<p style="margin:0 0 24px;font-size:20px;font-weight:800;color:#364fc7">${escapeHtml(instance.name)}</p>` +
    (layout.greeting ? p(layout.greeting) : '') +
    layout.paragraphs.map(p).join('') +
    action +
    code +
    closing.map(p).join('') +
    `<p style="margin:32px 0 0;font-size:13px;color:#868e96">${escapeHtml(instance.name)} · ` +
    `<a href="${escapeHtml(instance.publicUrl.origin)}" style="color:#868e96">${escapeHtml(instance.publicUrl.origin)}</a></p>` +
    `</div></body></html>`;

  const secret = layout.secret === 'action' ? layout.action!.url : layout.secret === 'code' ? layout.code! : null;
  return { subject: layout.subject, text, html, secret };
}

const hello = (name: string) => `Hello ${name},`;
const notYou = 'If you did not ask for this, you can ignore this email.';

type Templates = { [K in TemplateName]: (data: TemplateData[K], instance: Instance) => RenderedMail };

export const templates: Templates = {
  access_request_received: (d, i) =>
    compose(i, {
      subject: `We received your request to join ${i.name}`,
      greeting: hello(d.name),
      paragraphs: [
        `Thank you for asking for access to ${i.name}. An administrator will look at your request.`,
        'If it is approved, you will receive another email with a link to set your password.',
      ],
      closing: [notYou],
    }),

  access_request_notice: (d, i) =>
    compose(i, {
      subject: `New access request from ${d.requesterName} — ${i.name}`,
      paragraphs: [
        `${d.requesterName} <${d.requesterEmail}> asked for access to ${i.name}.`,
        ...(d.message.trim() ? [`Their message: “${d.message.trim().slice(0, 1000)}”`] : []),
      ],
      // Opens the review list filtered to this request.
      action: { label: 'Review the request', url: linkTo(i, `/admin/access-requests?q=${encodeURIComponent(d.requesterEmail)}`) },
      closing: ['You receive this because you can approve access requests. Turn it off under My account → Email notifications.'],
    }),

  invitation: (d, i) =>
    compose(i, {
      subject: d.invitedBy ? `${d.invitedBy} invited you to join ${i.name}` : `Your ${i.name} account is ready`,
      greeting: hello(d.name),
      paragraphs: [
        d.invitedBy
          ? `${d.invitedBy} invited you to join ${i.name}. Your account is ready: set it up with a passkey or a password to start using it; this also confirms your email address.`
          : `Your request for access to ${i.name} was approved. Set up your account with a passkey or a password to start using it; this also confirms your email address.`,
        `The link works until ${until(d.expiresAt)}, and until your account is set up.`,
      ],
      action: { label: 'Set up your account', url: linkTo(i, d.link) },
      closing: d.invitedBy ? [`If you were not expecting this, ask ${d.invitedBy} or your ${i.name} administrator.`] : [notYou],
      secret: 'action',
    }),

  account_approved: (d, i) =>
    compose(i, {
      subject: `Your ${i.name} account is approved`,
      greeting: hello(d.name),
      paragraphs: [`Your request for access to ${i.name} was approved. Sign in with your existing account.`],
      action: { label: 'Sign in', url: linkTo(i, '/login') },
    }),

  signup_link: (d, i) =>
    compose(i, {
      subject: `You are invited to join ${i.name}`,
      greeting: 'Hello,',
      paragraphs: [
        `${d.invitedBy} invited you to join ${i.name}. Follow the link to create your account.`,
        `The link works until ${until(d.expiresAt)}.`,
      ],
      action: { label: 'Create your account', url: linkTo(i, d.link) },
      closing: [notYou],
      secret: 'action',
    }),

  login_link: (d, i) =>
    compose(i, {
      subject: `Your sign-in link for ${i.name}`,
      greeting: hello(d.name),
      paragraphs: [`An administrator sent you a one-time link to sign in to ${i.name}.`, `It works once, until ${until(d.expiresAt)}.`],
      action: { label: 'Sign in', url: linkTo(i, d.link) },
      closing: ['Do not forward this email: the link signs in whoever opens it.'],
      secret: 'action',
    }),

  password_reset: (d, i) =>
    compose(i, {
      subject: `Reset your ${i.name} password`,
      greeting: hello(d.name),
      paragraphs: [`Someone asked to reset the password of your ${i.name} account.`, `The link works once, until ${until(d.expiresAt)}.`],
      action: { label: 'Choose a new password', url: linkTo(i, d.link) },
      closing: [`${notYou} Your password stays as it is.`],
      secret: 'action',
    }),

  email_verification_code: (d, i) =>
    compose(i, {
      subject: `Your ${i.name} verification code`,
      greeting: hello(d.name),
      paragraphs: [`Enter this code in ${i.name} to confirm your email address. It works until ${until(d.expiresAt)}.`],
      code: d.code,
      closing: [notYou],
      secret: 'code',
    }),

  email_2fa_code: (d, i) =>
    compose(i, {
      subject: `Your ${i.name} sign-in code`,
      greeting: hello(d.name),
      paragraphs: [`Enter this code to finish signing in to ${i.name}. It works until ${until(d.expiresAt)}.`],
      code: d.code,
      closing: ['If you are not signing in right now, someone else knows your password: change it.'],
      secret: 'code',
    }),

  email_changed: (d, i) =>
    compose(i, {
      subject: `Your ${i.name} email address was changed`,
      greeting: hello(d.name),
      paragraphs: [
        `The email address of your ${i.name} account was changed to ${d.newEmail}. From now on, emails go there.`,
        'If you did not make this change, contact your administrator right away.',
      ],
    }),

  test: (d, i) =>
    compose(i, {
      subject: `Test email from ${i.name}`,
      greeting: 'Hello,',
      paragraphs: [`${d.requestedBy} sent this test from Settings → Email. If you can read it, ${i.name} can send email.`],
      action: { label: `Open ${i.name}`, url: linkTo(i, '/') },
    }),
};

export function renderMail<K extends TemplateName>(template: K, data: TemplateData[K], instance: Instance): RenderedMail {
  return templates[template](data, instance);
}
