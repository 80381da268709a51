import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';

// A file dropped outside the drop zone would make the browser open it in place of the app.
for (const type of ['dragover', 'drop'] as const) {
  window.addEventListener(type, (event) => event.preventDefault());
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
