import { Button, Group, Stack, TagsInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { allowedDomainsForm, notDomains } from '@foyer-fields/settings';
import { useState, type FormEvent } from 'react';
import { toApiError } from '../api';
import { SectionCard } from '../ui/SectionCard';
import { useFormFields } from '../ui/useFormFields';
import { saveSettings, section } from './settingsApi';

type Props = { domains: string[] };

export function AllowedDomainsForm({ domains }: Props) {
  const form = useFormFields({ allowedDomains: domains }, allowedDomainsForm);
  const value = form.values.allowedDomains;
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!form.validate()) return;
    setSaving(true);
    try {
      const saved = await saveSettings({ allowedDomains: value });
      form.setValue('allowedDomains', section(saved, 'allowedDomains'));
      notifications.show({ color: 'green', title: 'Saved', message: 'The allowed email domains were saved.' });
    } catch (err) {
      const failure = toApiError(err);
      // Name the entries the server refused, in the order they were typed.
      const refused = value.filter((_, index) => `allowedDomains.${index}` in failure.fields);
      form.setErrors({ allowedDomains: refused.length > 0 ? notDomains(refused) : failure.message });
    } finally {
      setSaving(false);
    }
  }

  return (
    <SectionCard
      title="Allowed domains"
      description="Email goes only to addresses at these domains, and only they may request access. Mail to any other address is recorded as blocked. Leave the list empty to allow every domain."
      onSubmit={submit}
    >
      <Stack>
        <TagsInput
          label="Allowed email domains"
          placeholder={value.length === 0 ? 'Any domain. Type a domain and press Enter' : 'Add a domain'}
          value={value}
          onChange={(next) => {
            // A pasted list arrives as one entry; keep one domain per tag.
            form.setValue('allowedDomains', [...new Set(next.flatMap((entry) => entry.split(/[\s,;]+/)).filter(Boolean))]);
          }}
          splitChars={[',', ' ', ';']}
          clearable
          error={form.field('allowedDomains').error}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={saving}>
            Save allowed domains
          </Button>
        </Group>
      </Stack>
    </SectionCard>
  );
}
