import { Alert, Button, Checkbox, FileInput, Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { IconCheck, IconDownload, IconFileTypeCsv, IconUpload } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { toApiError, type ApiError } from '../api';
import { useSession } from '../session';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';
import { countLines, runImport, TEMPLATE_URL, type ImportOutcome, type RowResult } from './importApi';
import { ImportResults, type InvitationCounts } from './ImportResults';

/** Enough to fix a file by; beyond this the table would only slow the page down. */
const MAX_LISTED_PROBLEMS = 1000;
const BACK = { to: '/admin/users', label: 'Users' };

type Run = { dryRun: boolean; processed: number; total: number };

const NO_INVITATIONS: InvitationCounts = { queued: 0, blocked: [] };

export function UsersImportPage() {
  const { user } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [run, setRun] = useState<Run | null>(null);
  const [running, setRunning] = useState(false);
  const [problems, setProblems] = useState<RowResult[]>([]);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);
  const [invite, setInvite] = useState(false);
  const [invitations, setInvitations] = useState<InvitationCounts>(NO_INVITATIONS);
  const [error, setError] = useState<ApiError | null>(null);
  const abort = useRef<AbortController | null>(null);

  // Leaving the page stops following the import; batches already written stay written.
  useEffect(() => () => abort.current?.abort(), []);

  if (!user?.permissions.includes('users.create')) {
    return (
      <>
        <PageHeader title="Import users" back={BACK} />
        <ErrorAlert title="You cannot import users">Importing users needs the permission to create users.</ErrorAlert>
      </>
    );
  }

  const start = async (dryRun: boolean) => {
    if (!file) return;
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setRunning(true);
    setProblems([]);
    setInvitations(NO_INVITATIONS);
    setOutcome(null);
    setError(null);
    setRun({ dryRun, processed: 0, total: 0 });
    try {
      // Rows are numbered by line, so the line count is the scale of the progress bar.
      const lines = await countLines(file);
      setRun({ dryRun, processed: 0, total: Math.max(lines - 1, 0) });
      const result = await runImport(
        file,
        { dryRun, invite },
        (rows) => {
          const last = rows[rows.length - 1]!.row;
          setRun((current) => current && { ...current, processed: Math.min(last - 1, current.total) });
          const queued = rows.filter((r) => r.invitation === 'queued').length;
          const blocked = rows.filter((r) => r.invitation === 'blocked');
          if (queued > 0 || blocked.length > 0) {
            setInvitations((current) => ({ queued: current.queued + queued, blocked: [...current.blocked, ...blocked].slice(0, MAX_LISTED_PROBLEMS) }));
          }
          const notCreated = rows.filter((r) => r.outcome !== 'created');
          if (notCreated.length > 0) setProblems((current) => (current.length >= MAX_LISTED_PROBLEMS ? current : [...current, ...notCreated].slice(0, MAX_LISTED_PROBLEMS)));
        },
        controller.signal,
      );
      setRun((current) => current && { ...current, processed: current.total });
      setOutcome(result);
    } catch (err) {
      if (!controller.signal.aborted) setError(toApiError(err));
    } finally {
      if (abort.current === controller) setRunning(false);
    }
  };

  const percent = run && run.total > 0 ? Math.round((run.processed / run.total) * 100) : 0;

  return (
    <>
      <PageHeader back={BACK} title="Import users" description="Create many accounts at once from a CSV file. New accounts start in Pending Setup: invite them as you import, or later, to let them in." />
      <Stack maw={960}>
        <Paper withBorder radius="md" p="lg">
          <Stack gap="md">
            <Group justify="space-between" align="flex-start" wrap="wrap">
              <Stack gap={4} maw={560}>
                <Title order={2} fz="h4">
                  Your file
                </Title>
                <Text size="sm" c="dimmed">
                  Columns: name, email, username, roles, groups. Separate several roles or groups with a semicolon; names are
                  matched to existing roles and groups regardless of case. People whose email or username already has an
                  account are skipped, so running the same file twice is safe.
                </Text>
              </Stack>
              <Button component="a" href={TEMPLATE_URL} download variant="default" leftSection={<IconDownload size={16} />}>
                Download template
              </Button>
            </Group>
            <FileInput
              label="CSV file"
              description="At most 64 MiB. The first row must name the columns."
              placeholder="Choose a .csv file"
              accept=".csv,text/csv"
              leftSection={<IconFileTypeCsv size={16} />}
              value={file}
              onChange={(chosen) => {
                setFile(chosen);
                setOutcome(null);
                setProblems([]);
                setError(null);
                setRun(null);
              }}
              clearable
              disabled={running}
              maw={480}
            />
            <Checkbox
              label="Send each new person an invitation email"
              description="The email names you and the organisation and links to setting up their account. People who already have an account get nothing."
              checked={invite}
              onChange={(e) => setInvite(e.currentTarget.checked)}
              disabled={running}
            />
            <Group>
              <Button variant="default" leftSection={<IconCheck size={16} />} disabled={!file || running} loading={running && run?.dryRun === true} onClick={() => void start(true)}>
                Validate (dry run)
              </Button>
              <Button leftSection={<IconUpload size={16} />} disabled={!file || running} loading={running && run?.dryRun === false} onClick={() => void start(false)}>
                Import
              </Button>
            </Group>
            {run && (running || outcome) && (
              <Stack gap={4}>
                <Progress value={percent} size="lg" animated={running} aria-label={run.dryRun ? 'Validation progress' : 'Import progress'} />
                <Text size="sm" c="dimmed" aria-live="polite">
                  {running
                    ? `${run.dryRun ? 'Checking' : 'Importing'}: ${run.processed.toLocaleString()} of ${run.total.toLocaleString()} rows`
                    : `${run.dryRun ? 'Checked' : 'Processed'} ${outcome?.summary.total.toLocaleString() ?? 0} rows`}
                </Text>
              </Stack>
            )}
          </Stack>
        </Paper>

        {error && (
          <ErrorAlert title={error.code === 'csv_header_invalid' ? 'The header row is not right' : 'The import did not run'}>
            {error.message}
          </ErrorAlert>
        )}
        {outcome?.error && (
          <Alert color="orange" title="The file could not be read to the end">
            {outcome.error.message}
          </Alert>
        )}
        {outcome && <ImportResults outcome={outcome} problems={problems} invitations={invitations} maxListed={MAX_LISTED_PROBLEMS} />}
      </Stack>
    </>
  );
}
