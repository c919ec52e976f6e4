import { Button, Group, NumberInput, Paper, PasswordInput, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { toApiError } from '../api';
import { ErrorAlert } from '../ui/ErrorAlert';
import type { MailSettings, TlsMode } from './types';
import { saveSettings, section } from './settingsApi';

const TLS_OPTIONS: { value: TlsMode; label: string }[] = [
  { value: 'starttls', label: 'STARTTLS (usually port 587)' },
  { value: 'tls', label: 'TLS from the start (usually port 465)' },
  { value: 'none', label: 'None: plain text (local relays only)' },
];

const DEFAULT_PORT: Record<TlsMode, number> = { starttls: 587, tls: 465, none: 25 };

type Fields = { host: string; port: string | number; tlsMode: TlsMode; username: string; password: string; fromAddress: string; instanceName: string };

const fieldsOf = (mail: MailSettings): Fields => ({
  host: mail.host ?? '',
  port: mail.port,
  tlsMode: mail.tlsMode,
  username: mail.username ?? '',
  password: '',
  fromAddress: mail.fromAddress ?? '',
  instanceName: mail.instanceName,
});

type Props = { mail: MailSettings };

export function SmtpForm({ mail }: Props) {
  const [values, setValues] = useState<Fields>(() => fieldsOf(mail));
  const [errors, setErrors] = useState<Partial<Record<keyof Fields, string>>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const set = <K extends keyof Fields>(name: K, value: Fields[K]) => {
    setValues((current) => ({ ...current, [name]: value }));
    setErrors((current) => ({ ...current, [name]: undefined }));
  };

  async function save(change: Record<string, unknown>, success: string) {
    setSaving(true);
    setFailure(null);
    try {
      const saved = await saveSettings({ mail: change });
      setValues(fieldsOf(section(saved, 'mail')));
      setErrors({});
      notifications.show({ color: 'green', title: 'Saved', message: success });
    } catch (err) {
      const error = toApiError(err);
      const fields = Object.fromEntries(
        Object.entries(error.fields).flatMap(([name, message]) => (name.startsWith('mail.') ? [[name.slice(5), message]] : [])),
      );
      setErrors(fields);
      if (Object.keys(fields).length === 0) setFailure(error.message);
    } finally {
      setSaving(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const { password, port, ...rest } = values;
    void save({ ...rest, port: Number(port), ...(password ? { password } : {}) }, 'The email settings were saved.');
  }

  return (
    <Paper withBorder radius="md" p="lg" component="form" onSubmit={submit} aria-labelledby="smtp-title" noValidate>
      <Stack>
        <div>
          <Title order={2} fz="h4" id="smtp-title">
            SMTP server
          </Title>
          <Text size="sm" c="dimmed">
            Leave the host empty to keep mail in the dev mailbox (the Mail page) instead of sending it.
          </Text>
        </div>
        {failure && <ErrorAlert title="Could not save">{failure}</ErrorAlert>}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="Host" placeholder="smtp.example.com" value={values.host} error={errors.host} onChange={(e) => set('host', e.currentTarget.value)} />
          <NumberInput label="Port" min={1} max={65535} allowDecimal={false} value={values.port} error={errors.port} onChange={(v) => set('port', v)} />
          <Select
            label="Security"
            data={TLS_OPTIONS}
            value={values.tlsMode}
            error={errors.tlsMode}
            allowDeselect={false}
            onChange={(v) => {
              if (!v) return;
              const mode = v as TlsMode;
              // Follow the usual port for the mode unless someone chose an unusual one on purpose.
              if (Object.values(DEFAULT_PORT).includes(Number(values.port))) set('port', DEFAULT_PORT[mode]);
              set('tlsMode', mode);
            }}
          />
          <TextInput label="Username" autoComplete="off" value={values.username} error={errors.username} onChange={(e) => set('username', e.currentTarget.value)} />
          <PasswordInput
            label="Password"
            autoComplete="new-password"
            placeholder={mail.passwordSet ? 'Saved; type to replace' : ''}
            description={mail.passwordSet ? 'A password is saved (encrypted). Leave this empty to keep it.' : 'Stored encrypted; never shown again.'}
            value={values.password}
            error={errors.password}
            onChange={(e) => set('password', e.currentTarget.value)}
          />
          <TextInput
            label="From address"
            placeholder="Foyer <foyer@example.com>"
            value={values.fromAddress}
            error={errors.fromAddress}
            onChange={(e) => set('fromAddress', e.currentTarget.value)}
          />
          <TextInput
            label="Instance name"
            description="Shown in every email"
            value={values.instanceName}
            error={errors.instanceName}
            onChange={(e) => set('instanceName', e.currentTarget.value)}
          />
        </SimpleGrid>
        <Group justify="space-between">
          {mail.passwordSet ? (
            <Button variant="subtle" color="red" disabled={saving} onClick={() => void save({ password: null }, 'The SMTP password was removed.')}>
              Remove saved password
            </Button>
          ) : (
            <span />
          )}
          <Button type="submit" loading={saving}>
            Save email settings
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
