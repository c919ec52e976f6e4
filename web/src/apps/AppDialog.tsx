import { Button, Checkbox, Group as Row, Modal, SegmentedControl, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { call, client, toApiError, type Schemas } from '../api';
import { useGroups } from '../api/options';
import { queryClient } from '../api/queries';
import { ErrorAlert } from '../ui/ErrorAlert';
import { OptionsPicker } from '../ui/OptionsPicker';
import { fieldErrors, lines } from './AppSettingsForm';
import { APPS } from './AppsPage';

export type Created = { app: Schemas['App']; clientSecret?: string };

const initialValues = {
  name: '',
  type: 'confidential' as 'confidential' | 'public',
  redirectUris: '',
  launchUrl: '',
  requireConsent: true,
  everyone: false,
  groupIds: [] as string[],
};

/** Registers an app; the app's page then shows what to paste into it, the secret only that once. */
export function AppDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (created: Created) => void }) {
  const { groups } = useGroups();
  const form = useForm({ mode: 'controlled', initialValues, clearInputErrorOnChange: true });
  const register = useMutation({
    mutationFn: (v: typeof initialValues) =>
      call(
        client.POST('/api/v1/admin/apps', {
          body: {
            name: v.name,
            type: v.type,
            redirectUris: lines(v.redirectUris),
            ...(v.launchUrl.trim() ? { launchUrl: v.launchUrl.trim() } : {}),
            requireConsent: v.requireConsent,
            access: { everyone: v.everyone, groupIds: v.everyone ? [] : v.groupIds },
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
      <form onSubmit={form.onSubmit((values) => register.mutate(values))}>
        <Stack>
          <TextInput label="Name" required maxLength={100} {...form.getInputProps('name')} data-autofocus />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="app-type-label">
              Type
            </Text>
            <SegmentedControl
              aria-labelledby="app-type-label"
              data={[
                { value: 'confidential', label: 'Server app (with a secret)' },
                { value: 'public', label: 'Browser or mobile app (PKCE)' },
              ]}
              {...form.getInputProps('type')}
            />
          </Stack>
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
          <Checkbox
            label="Ask people to allow the app the first time"
            description="Turn off only for the organisation's own apps."
            {...form.getInputProps('requireConsent', { type: 'checkbox' })}
          />
          <Checkbox label="Everyone may open it" {...form.getInputProps('everyone', { type: 'checkbox' })} />
          {!form.values.everyone && (
            <OptionsPicker
              label="Members of these groups may open it"
              description="A new app opens for nobody until you choose."
              none="Nobody yet"
              options={groups}
              value={form.values.groupIds}
              onChange={(ids) => form.setFieldValue('groupIds', ids)}
              error={form.errors.groupIds}
            />
          )}
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
