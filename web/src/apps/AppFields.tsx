import { Checkbox, SegmentedControl, Stack, Text, Textarea, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { useMediaQuery } from '@mantine/hooks';
import type { ApiError, Schemas } from '../api';
import { useGroups } from '../api/options';
import { OptionsPicker } from '../ui/OptionsPicker';

type App = Schemas['App'];

/** Everything the console edits about an app; registering uses the fields a new app needs. */
export const blankApp = {
  name: '',
  type: 'confidential' as App['type'],
  logoUrl: '',
  redirectUris: '',
  postLogoutRedirectUris: '',
  backchannelLogoutUri: '',
  launchUrl: '',
  requireConsent: true,
  everyone: false,
  groupIds: [] as string[],
};
export type AppValues = typeof blankApp;

export const valuesOf = (app: App): AppValues => ({
  name: app.name,
  type: app.type,
  logoUrl: app.logoUrl ?? '',
  redirectUris: app.redirectUris.join('\n'),
  postLogoutRedirectUris: app.postLogoutRedirectUris.join('\n'),
  backchannelLogoutUri: app.backchannelLogoutUri ?? '',
  launchUrl: app.launchUrl ?? '',
  requireConsent: app.requireConsent,
  everyone: app.access.everyone,
  groupIds: app.access.groupIds,
});

export const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

export const accessOf = (v: AppValues) => ({ everyone: v.everyone, groupIds: v.everyone ? [] : v.groupIds });

/**
 * The server names a bad address by its line (`redirectUris.1`); the form shows it on the field, with the line,
 * so "must use https unless the host is localhost" points at the address it is about.
 */
export function fieldErrors(error: ApiError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [key, message] of Object.entries(error.fields)) {
    const [field, index] = key.split('.');
    const name = field === 'access' ? 'groupIds' : (field ?? key);
    const multiline = field === 'redirectUris' || field === 'postLogoutRedirectUris';
    const sentence = multiline && index !== undefined ? `Line ${Number(index) + 1} ${message}` : message;
    errors[name] = errors[name] ? `${errors[name]}; ${sentence}` : sentence;
  }
  return errors;
}

/**
 * An app's fields, the same words on the New app dialog and the app's settings. The type is chosen once, when the
 * app is registered; logo and logout addresses are set afterwards, on its page.
 */
export function AppFields({ form, registering = false }: { form: UseFormReturnType<AppValues>; registering?: boolean }) {
  const { groups } = useGroups();
  // Side by side, the two types do not fit a phone's width.
  const narrow = useMediaQuery('(max-width: 36em)');
  return (
    <>
      <TextInput label="Name" required maxLength={100} {...form.getInputProps('name')} data-autofocus={registering || undefined} />
      {registering && (
        <Stack gap={4}>
          <Text size="sm" fw={500} id="app-type-label">
            Type
          </Text>
          <SegmentedControl
            aria-labelledby="app-type-label"
            orientation={narrow ? 'vertical' : 'horizontal'}
            fullWidth={narrow}
            data={[
              { value: 'confidential', label: 'Server app (with a secret)' },
              { value: 'public', label: 'Browser or mobile app (PKCE)' },
            ]}
            {...form.getInputProps('type')}
          />
        </Stack>
      )}
      {!registering && (
        <TextInput label="Logo URL" description="A square image shown on people's app tiles and the consent page." {...form.getInputProps('logoUrl')} />
      )}
      <Textarea
        label="Redirect URIs"
        description="One per line, exactly as the app sends them. https, or http only for localhost, 127.0.0.1 and [::1]."
        required
        autosize
        minRows={2}
        {...form.getInputProps('redirectUris')}
      />
      {!registering && (
        <>
          <Textarea
            label="Post-logout redirect URIs"
            description="Where the app may send people after signing out, one per line."
            autosize
            minRows={1}
            {...form.getInputProps('postLogoutRedirectUris')}
          />
          <TextInput
            label="Back-channel logout URI"
            description="Foyer posts a signed logout token here whenever a person's sign-ins to the app end."
            {...form.getInputProps('backchannelLogoutUri')}
          />
        </>
      )}
      <TextInput
        label="Launch URL"
        description="Where people's home page tile takes them. Without one, the app has no tile."
        {...form.getInputProps('launchUrl')}
      />
      <Checkbox
        label="Ask people to allow the app the first time"
        description="Turn off only for the organisation's own apps."
        {...form.getInputProps('requireConsent', { type: 'checkbox' })}
      />
      <Checkbox label="Everyone may open it" {...form.getInputProps('everyone', { type: 'checkbox' })} />
      {!form.values.everyone && (
        <OptionsPicker
          label="Members of these groups may open it"
          description={registering ? 'A new app opens for nobody until you choose.' : undefined}
          none="Nobody yet"
          options={groups}
          value={form.values.groupIds}
          onChange={(ids) => form.setFieldValue('groupIds', ids)}
          error={form.errors.groupIds}
        />
      )}
    </>
  );
}
