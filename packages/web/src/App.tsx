import { useState } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { LocaleProvider } from './i18n/LocaleProvider';
import { createQueryClient } from './queryClient';
import { UnauthenticatedRedirect } from './auth/UnauthenticatedRedirect';
import { AppRoutes } from './routes';
import { UnsavedChangesProvider } from './common/useUnsavedChangesGuard';

function Root() {
  return (
    <UnsavedChangesProvider>
      <UnauthenticatedRedirect />
      <AppRoutes />
    </UnsavedChangesProvider>
  );
}

/**
 * One catch-all route of a data router around the app's own <Routes>: a data router is what lets
 * a form block navigation while it holds unsaved edits (useUnsavedChangesGuard).
 */
const createRouter = () => createBrowserRouter([{ path: '*', element: <Root /> }]);

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(createRouter);
  return (
    <QueryClientProvider client={queryClient}>
      <LocaleProvider>
        <RouterProvider router={router} />
      </LocaleProvider>
    </QueryClientProvider>
  );
}
