import { useState, type ReactNode } from 'react';
import { createBrowserRouter, RouterProvider, type RouteObject } from 'react-router';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { LocaleProvider } from './i18n/LocaleProvider';
import { createQueryClient } from './queryClient';
import { UnauthenticatedRedirect } from './auth/UnauthenticatedRedirect';
import { AppRoutes } from './routes';
import { UnsavedChangesProvider } from './common/useUnsavedChangesGuard';
import { LIVE_CLOCK, RenderClock, type RenderClockValue } from './common/renderClock';

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
 * a form block navigation while it holds unsaved edits (useUnsavedChangesGuard). The server's
 * first paint (src/server/entry-server.tsx) renders the same route through a static router.
 */
export const appRoutes: RouteObject[] = [{ path: '*', element: <Root /> }];

/** What surrounds the router, in the browser and on the server alike. */
export function AppProviders({
  queryClient,
  clock,
  children,
}: {
  queryClient: QueryClient;
  clock: RenderClockValue;
  children: ReactNode;
}) {
  return (
    <QueryClientProvider client={queryClient}>
      <RenderClock.Provider value={clock}>
        <LocaleProvider>{children}</LocaleProvider>
      </RenderClock.Provider>
    </QueryClientProvider>
  );
}

/** The app in the browser; `queryClient` and `clock` are a server-rendered page's (main.tsx). */
export function App({
  queryClient: given,
  clock = LIVE_CLOCK,
}: {
  queryClient?: QueryClient;
  clock?: RenderClockValue;
}) {
  const [queryClient] = useState(() => given ?? createQueryClient());
  const [router] = useState(() => createBrowserRouter(appRoutes));
  return (
    <AppProviders queryClient={queryClient} clock={clock}>
      <RouterProvider router={router} />
    </AppProviders>
  );
}
