import { Button, Group as Row, Modal, Stack } from '@mantine/core';
import { appForm } from '@foyer-fields/apps';
import { schemaResolver, useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { call, client, toApiError, type Schemas } from '../api';
import { queryClient } from '../api/queries';
import { ErrorAlert } from '../ui/ErrorAlert';
import { accessOf, AppFields, blankApp, fieldErrors, lines, type AppValues } from './AppFields';
import { APPS } from './AppsPage';

export type Created = { app: Schemas['App']; clientSecret?: string };

/** Registers an app; the app's page then shows what to paste into it, the secret only that once. */
export function AppDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (created: Created) => void }) {
  // The same schema the API checks with (useFormFields' rules, on a form AppFields shares with the settings page).
  const form = useForm<AppValues>({
    mode: 'controlled',
    initialValues: blankApp,
    clearInputErrorOnChange: true,
    validate: schemaResolver(appForm, { sync: true }),
  });
  const register = useMutation({
    mutationFn: (v: AppValues) =>
      call(
        client.POST('/api/v1/admin/apps', {
          body: {
            name: v.name,
            type: v.type,
            redirectUris: lines(v.redirectUris),
            ...(v.launchUrl.trim() ? { launchUrl: v.launchUrl.trim() } : {}),
            requireConsent: v.requireConsent,
            access: accessOf(v),
          },
        }),
      ),
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: APPS });
      onCreated(created);
    },
    onError: (err) => form.setErrors(fieldErrors(toApiError(err))),
  });
  const error = register.error ? toApiError(register.error) : null;

  return (
    <Modal opened onClose={onClose} title="New app" size="lg">
      <form noValidate onSubmit={form.onSubmit((values) => register.mutate(values))}>
        <Stack>
          <AppFields form={form} registering />
          {error && Object.keys(error.fields).length === 0 && <ErrorAlert title="The app was not registered">{error.message}</ErrorAlert>}
          <Row justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={register.isPending}>
              Register app
            </Button>
          </Row>
        </Stack>
      </form>
    </Modal>
  );
}
