import { Alert, Button, Group, List, Modal, NumberInput, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { signupLinkForm } from '@foyer-fields/signup-links';
import { useState } from 'react';
import { useGroups, useRoles } from '../api/options';
import { toApiError, type ApiError } from '../api';
import { formatDateTime } from '../format';
import { CopyField } from '../ui/CopyField';
import { ErrorAlert } from '../ui/ErrorAlert';
import { createSignupLink, sendSignupLink, type CreatedSignupLink, type SendResult } from './signupLinksApi';
import { OptionsPicker } from '../ui/OptionsPicker';
import { useFormFields } from '../ui/useFormFields';

type Props = { onClose: () => void; onCreated: () => void };

const DAY_MS = 86_400_000;
const dateInput = (date: Date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

/** Create a sign-up link (seed 000), then show it once with a copy button and a way to email it. */
export function CreateSignupLinkDialog({ onClose, onCreated }: Props) {
  const form = useFormFields(
    {
      name: '',
      note: '',
      // The last day the link works, as the date input shows it.
      expiresAt: dateInput(new Date(Date.now() + 7 * DAY_MS)),
      maxUses: '' as string | number,
      roleIds: [] as string[],
      groupIds: [] as string[],
    },
    signupLinkForm,
  );
  const { roles } = useRoles();
  const { groups } = useGroups();
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [created, setCreated] = useState<CreatedSignupLink | null>(null);

  async function create() {
    setError(null);
    if (!form.validate()) return;
    setSaving(true);
    try {
      const { expiresAt, maxUses, ...rest } = form.values;
      // The link works until the end of the chosen day, in the administrator's time zone.
      const link = await createSignupLink({
        ...rest,
        expiresAt: new Date(`${expiresAt}T23:59:59`).toISOString(),
        maxUses: maxUses === '' ? null : Number(maxUses),
      });
      setCreated(link);
      onCreated();
    } catch (err) {
      const failure = toApiError(err);
      if (!form.showServerErrors(failure.fields)) setError(failure);
    } finally {
      setSaving(false);
    }
  }

  if (created) return <CreatedLink link={created} onClose={onClose} />;

  return (
    <Modal opened onClose={onClose} title="Create a sign-up link">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
        <Stack>
          <TextInput
            label="Name"
            description="What the link is for. Only administrators see it, in the links list."
            maxLength={100}
            data-autofocus
            {...form.field('name')}
          />
          <Textarea
            label="Note"
            description="Anything worth remembering about this link. Only administrators see it."
            autosize
            minRows={2}
            maxLength={1000}
            {...form.field('note')}
          />
          <TextInput
            type="date"
            label="Expires on"
            description="The link stops working after this day."
            required
            min={dateInput(new Date())}
            {...form.field('expiresAt')}
          />
          <NumberInput
            label="Usage limit"
            description="1 for one specific person; leave empty for any number of people."
            min={1}
            allowDecimal={false}
            {...form.field('maxUses')}
          />
          <OptionsPicker
            label="Groups"
            description="Everyone who signs up with this link joins these groups."
            options={groups}
            value={form.values.groupIds}
            onChange={(ids) => form.setValue('groupIds', ids)}
            error={form.field('groupIds').error}
          />
          <OptionsPicker
            label="Roles"
            description="And receives these roles."
            options={roles}
            value={form.values.roleIds}
            onChange={(ids) => form.setValue('roleIds', ids)}
            error={form.field('roleIds').error}
          />
          {error && <ErrorAlert title="No link was created">{error.message}</ErrorAlert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={saving}>
              Create
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function CreatedLink({ link, onClose }: { link: CreatedSignupLink; onClose: () => void }) {
  const [emails, setEmails] = useState('');
  const [sending, setSending] = useState(false);
  const [results, setResults] = useState<SendResult[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function send() {
    const list = emails.split(/[\s,;]+/).filter(Boolean);
    if (list.length === 0) {
      setError('Enter at least one address.');
      return;
    }
    setSending(true);
    setError(null);
    try {
      setResults(await sendSignupLink(link.id, link.token, list));
      setEmails('');
    } catch (err) {
      const failure = toApiError(err);
      setError(Object.values(failure.fields)[0] ?? failure.message);
    } finally {
      setSending(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title="Sign-up link created" size="lg">
      <Stack>
        <Text size="sm">
          Copy the link and share it however suits you. It is shown only now. It works until {formatDateTime(link.expiresAt)}
          {link.maxUses === null ? ', for any number of people.' : `, for ${link.maxUses === 1 ? 'one person' : `${link.maxUses} people`}.`}
        </Text>
        <CopyField label="Sign-up link" value={link.url} copyLabel="Copy link" />
        <Textarea
          label="Email it to"
          description="Addresses separated by commas or new lines."
          autosize
          minRows={2}
          value={emails}
          onChange={(event) => setEmails(event.currentTarget.value)}
          error={error}
        />
        {results && (
          <Alert color={results.some((r) => r.outcome === 'blocked') ? 'orange' : 'green'} title="Emails">
            <List size="sm">
              {results.map((r) => (
                <List.Item key={r.email}>
                  {r.email}: {r.outcome === 'queued' ? 'on its way' : r.reason}
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={() => void send()} loading={sending}>
            Send email
          </Button>
          <Button onClick={onClose}>Done</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
