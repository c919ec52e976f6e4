import { Alert, Button, Group as Row, Stack } from '@mantine/core';
import { appForm } from '@foyer-fields/apps';
import { schemaResolver, useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { call, client, toApiError, type Schemas } from '../api';
import { queryClient } from '../api/queries';
import { ErrorAlert } from '../ui/ErrorAlert';
import { accessOf, AppFields, fieldErrors, lines, valuesOf, type AppValues } from './AppFields';
import { APPS } from './AppsPage';

type App = Schemas['App'];

const orNull = (text: string) => text.trim() || null;

/** Edits an app; narrowing who may open it ends the sign-ins of the people it no longer allows (the server does it). */
export function AppSettingsForm({ app, canManage }: { app: App; canManage: boolean }) {
  // The same schema the API checks with (useFormFields' rules, on a form AppFields shares with the settings page).
  const form = useForm<AppValues>({
    mode: 'controlled',
    initialValues: valuesOf(app),
    clearInputErrorOnChange: true,
    validate: schemaResolver(appForm, { sync: true }),
  });
  const save = useMutation({
    mutationFn: (v: AppValues) =>
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
            access: accessOf(v),
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
    <form noValidate onSubmit={form.onSubmit((values) => save.mutate(values))} aria-label="App settings">
      <fieldset disabled={!canManage} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
        <Stack>
          <AppFields form={form} />
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
