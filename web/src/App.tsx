import { Navigate, Route, Routes } from 'react-router-dom';
import { AccountPage } from './account/AccountPage';
import { GroupDetailPage } from './groups/GroupDetailPage';
import { GroupsPage } from './groups/GroupsPage';
import { AppLayout } from './layout/AppLayout';
import { MailPage } from './mail/MailPage';
import { RolesPage } from './roles/RolesPage';
import { useSession } from './session';
import { SetPasswordPage } from './set-password/SetPasswordPage';
import { EmailSettingsPage } from './settings/EmailSettingsPage';
import { SetupPage } from './setup/SetupPage';
import { SignInPage } from './sign-in/SignInPage';
import { FullPageLoader } from './ui/FullPageLoader';
import { UserDetailPage } from './user-detail/UserDetailPage';
import { UsersPage } from './users/UsersPage';
import { UsersImportPage } from './users-import/UsersImportPage';

export function App() {
  const { loading } = useSession();
  if (loading) return <FullPageLoader />;

  return (
    <Routes>
      <Route path="/login" element={<SignInPage />} />
      <Route path="/setup" element={<SetupPage />} />
      <Route path="/set-password" element={<SetPasswordPage />} />
      <Route element={<AppLayout />}>
        <Route index element={<AccountPage />} />
        <Route path="admin/users" element={<UsersPage />} />
        <Route path="admin/users/import" element={<UsersImportPage />} />
        <Route path="admin/users/:id" element={<UserDetailPage />} />
        <Route path="admin/roles" element={<RolesPage />} />
        <Route path="admin/groups" element={<GroupsPage />} />
        <Route path="admin/groups/:id" element={<GroupDetailPage />} />
        <Route path="admin/mail" element={<MailPage />} />
        <Route path="admin/settings" element={<Navigate to="/admin/settings/email" replace />} />
        <Route path="admin/settings/email" element={<EmailSettingsPage />} />
      </Route>
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}
