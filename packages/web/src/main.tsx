import { StrictMode } from 'react';
import { createRoot, hydrateRoot } from 'react-dom/client';
import { persistLanguage, storedLanguage, switchLanguage } from './i18n';
import './styles.css';
import { App } from './App';
import { adoptFirstPaint, takeFirstPaint } from './firstPaint';
import { createQueryClient } from './queryClient';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
const firstPaint = takeFirstPaint();

if (firstPaint && storedLanguage() === 'zh') {
  // Issue #18: the server rendered this page (in Chinese); the app adopts it as it stands.
  const queryClient = createQueryClient();
  const clock = adoptFirstPaint(firstPaint, queryClient);
  hydrateRoot(
    container,
    <StrictMode>
      <App queryClient={queryClient} clock={clock} />
    </StrictMode>,
  );
} else {
  const render = () => {
    // A server-rendered page for a reader who chose English: drawn again, in English.
    container.replaceChildren();
    createRoot(container).render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  };
  // Chinese is bundled; a reader who chose English gets the first paint in English once its texts
  // arrive (in Chinese if they cannot be fetched), never a flash of the other language.
  if (storedLanguage() === 'en') {
    document.documentElement.lang = 'en';
    persistLanguage('en'); // the cookie too, for a choice made before the server read it
    void switchLanguage('en').then(render, render);
  } else render();
}
