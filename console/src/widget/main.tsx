// widget.js: one <script src="https://docket.example/widget.js" defer></script> tag on
// any website adds the support chat. The chat lives in a shadow root, so the host
// page's CSS cannot reach it and its CSS cannot reach the page.
//
// Attributes of the script tag (all optional):
//   data-server    Docket's origin (default: the origin widget.js was loaded from)
//   data-title     the panel's heading (default "Support")
//   data-greeting  the line above the start form
import { render } from 'preact';
import css from './widget.css?inline';
import { Widget, type WidgetConfig } from './Widget';

function configFrom(script: HTMLScriptElement | null): WidgetConfig {
  const data = script?.dataset ?? {};
  const origin = script?.src ? new URL(script.src, location.href).origin : location.origin;
  return {
    baseUrl: (data.server ?? origin).replace(/\/+$/, ''),
    title: data.title ?? 'Support',
    greeting: data.greeting ?? 'Ask us anything: we usually answer within minutes.',
  };
}

function mount(config: WidgetConfig) {
  if (document.querySelector('docket-chat')) return; // the tag was included twice
  const host = document.createElement('docket-chat');
  const shadow = host.attachShadow({ mode: 'open' });
  // A constructed sheet is not an inline <style>, so a host page's CSP needs no
  // 'unsafe-inline' for it; older browsers get the <style> element.
  if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet !== 'undefined' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = css;
    shadow.appendChild(style);
  }
  const root = document.createElement('div');
  shadow.appendChild(root);
  document.body.appendChild(host);
  render(<Widget config={config} />, root);
}

const config = configFrom(document.currentScript as HTMLScriptElement | null);
if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => mount(config), { once: true });
} else {
  mount(config);
}
