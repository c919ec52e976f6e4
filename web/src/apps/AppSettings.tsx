import { Alert, Stack } from '@mantine/core';
import type { Schemas } from '../api';
import { CopyField } from '../ui/CopyField';

/** What an administrator pastes into the app: the secret only when it has just been made, since it is never shown again. */
export function AppSettings({ app, clientSecret }: { app: Schemas['App']; clientSecret?: string }) {
  return (
    <Stack>
      <CopyField label="Discovery URL" value={app.discoveryUrl} />
      <CopyField label="Issuer" value={app.issuer} />
      <CopyField label="Client ID" value={app.clientId} />
      {clientSecret && (
        <>
          <CopyField label="Client secret" value={clientSecret} />
          <Alert color="yellow" title="Copy the secret now">
            It is shown only this once. A new one can be made later; the old one then stops working.
          </Alert>
        </>
      )}
    </Stack>
  );
}

/** An app that allows neither everyone nor any group opens for nobody; the pages say so rather than leave it a mystery. */
export const opensForNobody = (app: Schemas['App']) => !app.access.everyone && app.access.groups.length === 0;

export function NobodyYetAlert() {
  return (
    <Alert color="red" title="Nobody can open this app yet">
      Choose who may open it: everyone, or members of some groups.
    </Alert>
  );
}
