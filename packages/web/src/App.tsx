import { useState } from 'react';
import { BrowserRouter } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { LocaleProvider } from './i18n/LocaleProvider';
import { createQueryClient } from './queryClient';
import { UnauthenticatedRedirect } from './auth/UnauthenticatedRedirect';
import { AppRoutes } from './routes';

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <LocaleProvider>
        <BrowserRouter>
          <UnauthenticatedRedirect />
          <AppRoutes />
        </BrowserRouter>
      </LocaleProvider>
    </QueryClientProvider>
  );
}
