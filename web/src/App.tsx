import { Navigate, Route, Routes } from 'react-router-dom';
import { AccountPage } from './account/AccountPage';
import { AppLayout } from './layout/AppLayout';
import { useSession } from './session';
import { SetPasswordPage } from './set-password/SetPasswordPage';
import { SetupPage } from './setup/SetupPage';
import { SignInPage } from './sign-in/SignInPage';
import { FullPageLoader } from './ui/FullPageLoader';
import { UsersPage } from './users/UsersPage';

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
      </Route>
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}
