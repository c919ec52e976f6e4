import { Checkbox, Group as Row, SegmentedControl, Stack, Text, Textarea, TextInput, Button } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { toApiError, type ApiError, type Schemas } from '../api';
import { useGroups } from '../api/options';
import { ErrorAlert } from '../ui/ErrorAlert';
import { OptionsPicker } from '../ui/OptionsPicker';

type App = Schemas['App'];
type AppType = App['type'];

export interface AppFormValues {
  name: string;
  type: AppType;
  redirectUris: string;
  postLogoutRedirectUris: string;
  backchannelLogoutUri: string;
  launchUrl: string;
  logoUrl: string;
  requireConsent: boolean;
  everyone: boolean;
  groupIds: string[];
}

/** What the API takes for an app, from the form: lists one per line, empty optional URLs as "none". */
export type AppBody = Omit<AppFormValues, 'redirectUris' | 'postLogoutRedirectUris' | 'backchannelLogoutUri' | 'launchUrl' | 'logoUrl' | 'everyone' | 'groupIds'> & {
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
  launchUrl: string | null;
  logoUrl: string | null;
  access: { everyone: boolean; groupIds: string[] };
};

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
const optional = (text: string) => text.trim() || null;

export function toBody(values: AppFormValues): AppBody {
  return {
    name: values.name,
    type: values.type,
    redirectUris: lines(values.redirectUris),
    postLogoutRedirectUris: lines(values.postLogoutRedirectUris),
    backchannelLogoutUri: optional(values.backchannelLogoutUri),
    launchUrl: optional(values.launchUrl),
    logoUrl: optional(values.logoUrl),
    requireConsent: values.requireConsent,
    access: { everyone: values.everyone, groupIds: values.everyone ? [] : values.groupIds },
  };
}

export const NEW_APP: AppFormValues = {
  name: '',
  type: 'confidential',
  redirectUris: '',
  postLogoutRedirectUris: '',
  backchannelLogoutUri: '',
  launchUrl: '',
  logoUrl: '',
  requireConsent: true,
  everyone: false,
  groupIds: [],
};

export function formValuesOf(app: App): AppFormValues {
  return {
    name: app.name,
    type: app.type,
    redirectUris: app.redirectUris.join('\n'),
    postLogoutRedirectUris: app.postLogoutRedirectUris.join('\n'),
    backchannelLogoutUri: app.backchannelLogoutUri ?? '',
    launchUrl: app.launchUrl ?? '',
    logoUrl: app.logoUrl ?? '',
    requireConsent: app.requireConsent,
    everyone: app.access.everyone,
    groupIds: app.access.groupIds,
  };
}

// The server names fields by path ("redirectUris.1", "access.groupIds"); the form shows them on the top-level input.
const FORM_FIELD: Record<string, keyof AppFormValues> = { access: 'groupIds' };

type Props = {
  initial: AppFormValues;
  /** Only a new app chooses its type: a confidential app's secret and a public app's PKCE cannot be swapped later. */
  choosesType: boolean;
  submitLabel: string;
  failureTitle: string;
  onSubmit: (body: AppBody) => Promise<void>;
  onCancel?: () => void;
};

/** The settings of an app, for registering one and for editing it: one form, so both say the same things. */
export function AppForm({ initial, choosesType, submitLabel, failureTitle, onSubmit, onCancel }: Props) {
  const form = useForm<AppFormValues>({ mode: 'controlled', initialValues: initial, clearInputErrorOnChange: true });
  const { groups } = useGroups();
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);

  async function save(values: AppFormValues) {
    setSaving(true);
    setError(null);
    try {
      await onSubmit(toBody(values));
      form.resetDirty(values);
    } catch (err) {
      const apiError = toApiError(err);
      const fields = Object.entries(apiError.fields);
      form.setErrors(Object.fromEntries(fields.map(([path, message]) => [FORM_FIELD[path.split('.')[0]!] ?? path.split('.')[0]!, message])));
      setError(fields.length === 0 ? apiError : null);
    } finally {
      setSaving(false);
    }
  }

  const { everyone } = form.values;
  return (
    <form onSubmit={form.onSubmit((values) => void save(values))}>
      <Stack>
        <TextInput label="Name" required maxLength={100} {...form.getInputProps('name')} data-autofocus />
        {choosesType && (
          <Stack gap={4}>
            <Text size="sm" fw={500} id="app-type-label">
              Type
            </Text>
            <SegmentedControl
              aria-labelledby="app-type-label"
              {...form.getInputProps('type')}
              data={[
                { value: 'confidential', label: 'Server app (with a secret)' },
                { value: 'public', label: 'Browser or mobile app (PKCE)' },
              ]}
            />
          </Stack>
        )}
        <Textarea
          label="Redirect URIs"
          description="One per line, exactly as the app sends them. https, or http only for localhost."
          required
          autosize
          minRows={2}
          {...form.getInputProps('redirectUris')}
        />
        <TextInput
          label="Launch URL"
          description="Where people's home page tile takes them. Without one, the app has no tile."
          {...form.getInputProps('launchUrl')}
        />
        <TextInput label="Logo URL" description="An https image shown on the tile and the consent page." {...form.getInputProps('logoUrl')} />
        <Textarea
          label="Post-logout redirect URIs"
          description="One per line: where the app may send people after signing them out."
          autosize
          minRows={1}
          {...form.getInputProps('postLogoutRedirectUris')}
        />
        <TextInput
          label="Back-channel logout URI"
          description="Foyer tells the app here when someone's access ends (disabled, removed from its groups, signed out everywhere)."
          {...form.getInputProps('backchannelLogoutUri')}
        />
        <Checkbox
          label="Ask people to allow the app the first time"
          description="Turn off only for the organisation's own apps."
          {...form.getInputProps('requireConsent', { type: 'checkbox' })}
        />
        <Checkbox label="Everyone may open it" {...form.getInputProps('everyone', { type: 'checkbox' })} />
        {!everyone && (
          <OptionsPicker
            label="Members of these groups may open it"
            description="An app opens for nobody until you choose everyone or some groups."
            none="Nobody yet"
            options={groups}
            value={form.values.groupIds}
            onChange={(ids) => form.setFieldValue('groupIds', ids)}
            error={form.errors.groupIds}
          />
        )}
        {error && <ErrorAlert title={failureTitle}>{error.message}</ErrorAlert>}
        <Row justify="flex-end">
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          )}
          <Button type="submit" loading={saving}>
            {submitLabel}
          </Button>
        </Row>
      </Stack>
    </form>
  );
}
