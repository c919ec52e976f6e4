import { ApiTokensPage } from './api-tokens/ApiTokensPage';
import { AppsPage } from './apps/AppsPage';
import { AuditPage } from './audit/AuditPage';
import { AppPage } from './apps/AppPage';
import { Navigate, Route, Routes } from 'react-router-dom';
import { AccessRequestsPage } from './access-requests/AccessRequestsPage';
import { AccountPage } from './account/AccountPage';
import { AdminHomePage } from './admin-home/AdminHomePage';
import { ConsentPage } from './apps/ConsentPage';
import { GroupDetailPage } from './groups/GroupDetailPage';
import { GroupsPage } from './groups/GroupsPage';
import { HomePage } from './home/HomePage';
import { AppLayout } from './layout/AppLayout';
import { MailPage } from './mail/MailPage';
import { NotFoundPage } from './not-found/NotFoundPage';
import { RolesPage } from './roles/RolesPage';
import { useSession } from './session';
import { SetPasswordPage } from './set-password/SetPasswordPage';
import { ForgotPasswordPage } from './forgot-password/ForgotPasswordPage';
import { EmailSettingsPage } from './settings/EmailSettingsPage';
import { RequestAccessPage } from './request-access/RequestAccessPage';
import { SetupPage } from './setup/SetupPage';
import { SignInPage } from './sign-in/SignInPage';
import { MfaChallengePage } from './sign-in/MfaChallengePage';
import { AuthenticationSettingsPage } from './settings/AuthenticationSettingsPage';
import { SsoProvidersPage } from './sso/SsoProvidersPage';
import { FullPageLoader } from './ui/FullPageLoader';
import { UserDetailPage } from './user-detail/UserDetailPage';
import { UsersPage } from './users/UsersPage';
import { UsersImportPage } from './users-import/UsersImportPage';
import { AcceptInvitationPage } from './invitations/AcceptInvitationPage';
import { JoinPage } from './join/JoinPage';
import { LoginLinkPage } from './login-links/LoginLinkPage';
import { SignupLinksPage } from './signup-links/SignupLinksPage';
import { GuestInvitationPage } from './verified-invitations/GuestInvitationPage';
import { HostInvitationPage } from './verified-invitations/HostInvitationPage';
import { VerifiedInvitationsPage } from './verified-invitations/VerifiedInvitationsPage';

export function App() {
  const { loading } = useSession();
  if (loading) return <FullPageLoader />;

  return (
    <Routes>
      <Route path="/login" element={<SignInPage />} />
      <Route path="/login/mfa" element={<MfaChallengePage />} />
      <Route path="/setup" element={<SetupPage />} />
      <Route path="/signup" element={<RequestAccessPage />} />
      <Route path="/set-password" element={<SetPasswordPage />} />
      <Route path="/forgot-password" element={<ForgotPasswordPage />} />
      <Route path="/reset-password" element={<SetPasswordPage purpose="reset" />} />
      <Route path="/verify-invite" element={<GuestInvitationPage />} />
      <Route path="/join" element={<JoinPage />} />
      <Route path="/invitation" element={<AcceptInvitationPage />} />
      <Route path="/login-link" element={<LoginLinkPage />} />
      <Route path="/authorize/:uid" element={<ConsentPage />} />
      <Route element={<AppLayout />}>
        <Route index element={<HomePage />} />
        <Route path="account" element={<AccountPage />} />
        <Route path="admin" element={<AdminHomePage />} />
        <Route path="admin/apps" element={<AppsPage />} />
        <Route path="admin/apps/:id" element={<AppPage />} />
        <Route path="admin/users" element={<UsersPage />} />
        <Route path="admin/users/import" element={<UsersImportPage />} />
        <Route path="admin/signup-links" element={<SignupLinksPage />} />
        <Route path="admin/users/:id" element={<UserDetailPage />} />
        <Route path="admin/verified-invitations" element={<VerifiedInvitationsPage />} />
        <Route path="admin/verified-invitations/:id" element={<HostInvitationPage />} />
        <Route path="admin/access-requests" element={<AccessRequestsPage />} />
        <Route path="admin/roles" element={<RolesPage />} />
        <Route path="admin/groups" element={<GroupsPage />} />
        <Route path="admin/groups/:id" element={<GroupDetailPage />} />
        <Route path="admin/mail" element={<MailPage />} />
        <Route path="admin/audit" element={<AuditPage />} />
        <Route path="admin/api-tokens" element={<ApiTokensPage />} />
        <Route path="admin/settings" element={<Navigate to="/admin/settings/email" replace />} />
        <Route path="admin/settings/email" element={<EmailSettingsPage />} />
        <Route path="admin/settings/authentication" element={<AuthenticationSettingsPage />} />
        <Route path="admin/settings/sso" element={<SsoProvidersPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
