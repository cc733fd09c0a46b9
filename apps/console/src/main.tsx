import { render } from 'preact';
import { App } from './app';
import './styles/base.css';
import './styles/controls.css';
import './styles/content.css';
import './styles/tables.css';
import './styles/hosts.css';
import './styles/overlays.css';
import './styles/responsive.css';

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
