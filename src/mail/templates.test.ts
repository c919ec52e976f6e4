import { describe, expect, it } from 'vitest';
import { linkTo, renderMail, templates, type TemplateData, type TemplateName } from './templates.js';

const instance = { name: 'Acme <People>', publicUrl: new URL('https://id.acme.test') };
const expiresAt = new Date('2030-03-15T14:00:00Z');

/** One sample per template, with the link (as given) or code each must carry, if any. */
const samples: { [K in TemplateName]: { data: TemplateData[K]; carries?: string; secret?: boolean } } = {
  access_request_received: { data: { name: 'Ann' } },
  access_request_notice: {
    data: { requesterName: 'Ann Lee', requesterEmail: 'ann@acme.test', message: 'Please <b>let</b> me in' },
    carries: 'https://id.acme.test/admin/access-requests',
  },
  invitation: { data: { name: 'Ann', link: '/set-password?token=INVITE', expiresAt, invitedBy: 'Ada Admin' }, carries: 'https://id.acme.test/set-password?token=INVITE', secret: true },
  account_approved: { data: { name: 'Ann' }, carries: 'https://id.acme.test/login' },
  signup_link: { data: { link: '/signup/SIGNUP', expiresAt, invitedBy: 'Bob' }, carries: 'https://id.acme.test/signup/SIGNUP', secret: true },
  login_link: { data: { name: 'Ann', link: 'https://id.acme.test/login-link?token=LOGIN', expiresAt }, carries: 'https://id.acme.test/login-link?token=LOGIN', secret: true },
  password_reset: { data: { name: 'Ann', link: '/reset?token=RESET', expiresAt }, carries: 'https://id.acme.test/reset?token=RESET', secret: true },
  email_verification_code: { data: { name: 'Ann', code: '482913', expiresAt }, carries: '482913', secret: true },
  email_2fa_code: { data: { name: 'Ann', code: '771204', expiresAt }, carries: '771204', secret: true },
  email_changed: { data: { name: 'Ann', newEmail: 'ann@new.test' } },
  test: { data: { requestedBy: 'Bob' }, carries: 'https://id.acme.test/' },
};

describe('mail templates', () => {
  it.each(Object.keys(templates) as TemplateName[])('%s renders text and HTML with the instance name and its link', (name) => {
    const sample = samples[name];
    const mail = renderMail(name, sample.data as never, instance);
    expect(mail.subject).toContain('Acme <People>');
    expect(mail.text).toContain('Acme <People>');
    // The instance name is data like any other: escaped in HTML.
    expect(mail.html).toContain('Acme &lt;People&gt;');
    expect(mail.html).not.toContain('Acme <People>');
    if (sample.carries) {
      expect(mail.text).toContain(sample.carries);
      expect(mail.html).toContain(sample.carries);
    }
    expect(mail.secret).toBe(sample.secret ? sample.carries : null);
  });

  it('escapes what people typed', () => {
    const mail = renderMail('access_request_notice', samples.access_request_notice.data, instance);
    expect(mail.html).toContain('Please &lt;b&gt;let&lt;/b&gt; me in');
    expect(mail.text).toContain('Please <b>let</b> me in');
  });

  it('states when a link expires, in UTC', () => {
    expect(renderMail('invitation', samples.invitation.data, instance).text).toContain('15 March 2030 at 14:00 UTC');
  });

  it('refuses links that leave the public URL', () => {
    expect(linkTo(instance, '/x?y=1')).toBe('https://id.acme.test/x?y=1');
    expect(() => linkTo(instance, 'https://evil.test/set-password')).toThrow(/must point at https:\/\/id\.acme\.test/);
    expect(() => linkTo(instance, '//evil.test/x')).toThrow();
  });
});
