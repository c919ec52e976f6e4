import { Button, Group, NumberInput, PasswordInput, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { smtpForm } from '@foyer-fields/mail';
import { useState, type FormEvent } from 'react';
import { toApiError } from '../api';
import { ErrorAlert } from '../ui/ErrorAlert';
import { SectionCard } from '../ui/SectionCard';
import { useFormFields } from '../ui/useFormFields';
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
  const form = useFormFields<Fields>(fieldsOf(mail), smtpForm);
  const { values } = form;
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function save(change: Record<string, unknown>, success: string) {
    setSaving(true);
    setFailure(null);
    try {
      const saved = await saveSettings({ mail: change });
      const fields = fieldsOf(section(saved, 'mail'));
      for (const name of Object.keys(fields) as (keyof Fields)[]) form.setValue(name, fields[name]);
      notifications.show({ color: 'green', title: 'Saved', message: success });
    } catch (err) {
      const error = toApiError(err);
      const fields = Object.fromEntries(
        Object.entries(error.fields).flatMap(([name, message]) => (name.startsWith('mail.') ? [[name.slice(5), message]] : [])),
      );
      if (!form.showServerErrors(fields)) setFailure(error.message);
    } finally {
      setSaving(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!form.validate()) return;
    const { password, port, ...rest } = values;
    void save({ ...rest, port: Number(port), ...(password ? { password } : {}) }, 'The email settings were saved.');
  }

  return (
    <SectionCard
      title="SMTP server"
      description="Leave the host empty to keep mail in the dev mailbox (the Mail page) instead of sending it."
      onSubmit={submit}
    >
      <Stack>
        {failure && <ErrorAlert title="Could not save">{failure}</ErrorAlert>}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="Host" placeholder="smtp.example.com" {...form.field('host')} />
          <NumberInput label="Port" min={1} max={65535} allowDecimal={false} {...form.field('port')} />
          <Select
            label="Security"
            data={TLS_OPTIONS}
            {...form.field('tlsMode')}
            allowDeselect={false}
            onChange={(v) => {
              if (!v) return;
              const mode = v as TlsMode;
              // Follow the usual port for the mode unless someone chose an unusual one on purpose.
              if (Object.values(DEFAULT_PORT).includes(Number(values.port))) form.setValue('port', DEFAULT_PORT[mode]);
              form.setValue('tlsMode', mode);
            }}
          />
          <TextInput label="Username" autoComplete="off" {...form.field('username')} />
          <PasswordInput
            label="Password"
            autoComplete="new-password"
            placeholder={mail.passwordSet ? 'Saved; type to replace' : ''}
            description={mail.passwordSet ? 'A password is saved (encrypted). Leave this empty to keep it.' : 'Stored encrypted; never shown again.'}
            {...form.field('password')}
          />
          <TextInput
            label="From address"
            placeholder="Foyer <foyer@example.com>"
            {...form.field('fromAddress')}
          />
          <TextInput
            label="Instance name"
            description="Shown in every email"
            {...form.field('instanceName')}
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
    </SectionCard>
  );
}
