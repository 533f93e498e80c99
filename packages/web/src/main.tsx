import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { storedLanguage, switchLanguage } from './i18n';
import './styles.css';
import { App } from './App';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
const render = () =>
  createRoot(container).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
// Chinese is bundled; a reader who chose English gets the first paint in English once its texts
// arrive (in Chinese if they cannot be fetched), never a flash of the other language.
if (storedLanguage() === 'en') {
  document.documentElement.lang = 'en';
  void switchLanguage('en').then(render, render);
} else render();
