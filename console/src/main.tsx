import { render } from 'preact';
import { Shell } from './shell';
import { loadConfig } from './config';
import { useLegalClock } from './time';
import './styles.css';

const root = document.getElementById('app') as HTMLElement;
loadConfig()
  .then((config) => {
    useLegalClock(config.clock);
    render(<Shell config={config} />, root);
  })
  .catch((error: unknown) => {
    root.textContent = error instanceof Error ? error.message : String(error);
  });
