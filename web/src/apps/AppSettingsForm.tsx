import { Alert, Button, Checkbox, Group as Row, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { call, client, toApiError, type ApiError, type Schemas } from '../api';
import { useGroups } from '../api/options';
import { queryClient } from '../api/queries';
import { ErrorAlert } from '../ui/ErrorAlert';
import { OptionsPicker } from '../ui/OptionsPicker';
import { APPS } from './AppsPage';

type App = Schemas['App'];

export const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
const orNull = (text: string) => text.trim() || null;

const valuesOf = (app: App) => ({
  name: app.name,
  logoUrl: app.logoUrl ?? '',
  redirectUris: app.redirectUris.join('\n'),
  postLogoutRedirectUris: app.postLogoutRedirectUris.join('\n'),
  backchannelLogoutUri: app.backchannelLogoutUri ?? '',
  launchUrl: app.launchUrl ?? '',
  requireConsent: app.requireConsent,
  everyone: app.access.everyone,
  groupIds: app.access.groupIds,
});
type Values = ReturnType<typeof valuesOf>;

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

/** Edits an app; narrowing who may open it ends the sign-ins of the people it no longer allows (the server does it). */
export function AppSettingsForm({ app, canManage }: { app: App; canManage: boolean }) {
  const { groups } = useGroups();
  const form = useForm<Values>({ mode: 'controlled', initialValues: valuesOf(app), clearInputErrorOnChange: true });
  const save = useMutation({
    mutationFn: (v: Values) =>
      call(
        client.PATCH('/api/v1/admin/apps/{id}', {
          params: { path: { id: app.id } },
          body: {
            name: v.name,
            logoUrl: orNull(v.logoUrl),
            redirectUris: lines(v.redirectUris),
            postLogoutRedirectUris: lines(v.postLogoutRedirectUris),
            backchannelLogoutUri: orNull(v.backchannelLogoutUri),
            launchUrl: orNull(v.launchUrl),
            requireConsent: v.requireConsent,
            access: { everyone: v.everyone, groupIds: v.everyone ? [] : v.groupIds },
          },
        }),
      ),
    onSuccess: (saved) => {
      // The page gives the form a new key when the app changes, so it starts again from the saved values.
      queryClient.setQueryData([...APPS, app.id], saved);
      void queryClient.invalidateQueries({ queryKey: APPS });
      notifications.show({ color: 'green', message: `${saved.name} saved.` });
    },
    onError: (err) => form.setErrors(fieldErrors(toApiError(err))),
  });
  const error = save.error ? toApiError(save.error) : null;
  const nobody = !form.values.everyone && form.values.groupIds.length === 0;

  return (
    <form onSubmit={form.onSubmit((values) => save.mutate(values))} aria-label="App settings">
      <fieldset disabled={!canManage} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
        <Stack>
          <TextInput label="Name" required maxLength={100} {...form.getInputProps('name')} />
          <TextInput label="Logo URL" description="A square image shown on people's app tiles and the consent page." {...form.getInputProps('logoUrl')} />
          <Textarea
            label="Redirect URIs"
            description="One per line, compared exactly. https, or http only for localhost, 127.0.0.1 and [::1]."
            required
            autosize
            minRows={2}
            {...form.getInputProps('redirectUris')}
          />
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
              none="Nobody yet"
              options={groups}
              value={form.values.groupIds}
              onChange={(ids) => form.setFieldValue('groupIds', ids)}
              error={form.errors.groupIds}
            />
          )}
          {nobody && (
            <Alert color="red" title="Nobody can open this app">
              It opens for nobody until you choose everyone or some groups.
            </Alert>
          )}
          {error && Object.keys(error.fields).length === 0 && <ErrorAlert title="The app was not saved">{error.message}</ErrorAlert>}
          {canManage && (
            <Row justify="flex-end">
              <Button variant="default" onClick={() => form.reset()} disabled={!form.isDirty()}>
                Discard changes
              </Button>
              <Button type="submit" loading={save.isPending}>
                Save
              </Button>
            </Row>
          )}
        </Stack>
      </fieldset>
    </form>
  );
}
