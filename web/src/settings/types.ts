export type TlsMode = 'none' | 'starttls' | 'tls';

export type MailSettings = {
  host: string | null;
  port: number;
  tlsMode: TlsMode;
  username: string | null;
  passwordSet: boolean;
  fromAddress: string | null;
  instanceName: string;
  delivery: 'smtp' | 'captured';
  environment: { smtpUrl: boolean; mailFrom: boolean };
};

export type Settings = { allowedDomains: string[]; mail: MailSettings };

export type TestMailResult = { ok: true; id: string; status: 'sent' | 'captured' };
