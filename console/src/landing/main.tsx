import { render } from 'preact';
import '../console/console.css';

function Landing() {
  return (
    <>
      <h1>Docket</h1>
      <p>Event-sourced customer support: guests chat, customers file requests, the team answers live.</p>
      <ul>
        <li>
          <a href="/agent">
            <strong>Agent workspace</strong> — the inbox, conversations, statuses and assignment, live.
          </a>
        </li>
        <li>
          <a href="/admin">
            <strong>Admin dashboard</strong> — analytics, agents, SLAs, journeys, staff, the audit log.
          </a>
        </li>
        <li>
          <a href="/portal">
            <strong>Customer portal</strong> — your requests and chats, a new request, ratings.
          </a>
        </li>
        <li>
          <a href="/demo">
            <strong>Widget demo</strong> — a sample website with the guest chat embedded.
          </a>
        </li>
        <li>
          <a href="/api/docs">
            <strong>API reference</strong> — every route, from the server's OpenAPI document.
          </a>
        </li>
      </ul>
    </>
  );
}

render(<Landing />, document.getElementById('app')!);
