// A conversation's messages in log order, scrolled to the newest, for the workspace and
// the portal. Attachments open from a blob fetched with the viewer's own credentials.
import { useEffect, useRef } from 'preact/hooks';
import type { Api } from '../lib/api';
import type { Message } from '../lib/conversation';
import { timeOf } from '../lib/format';

export function MessageLog({
  api,
  messages,
  whoOf,
  mine,
}: {
  api: Api;
  messages: readonly Message[];
  whoOf: (m: Message) => string;
  // Which side is the viewer's: their messages sit on the right.
  mine: (m: Message) => boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.scrollTop = ref.current.scrollHeight;
  }, [messages.length]);
  const open = (url: string) => void api.raw(url).then(async (r) => window.open(URL.createObjectURL(await r.blob())));
  return (
    <div class="log" role="log" aria-live="polite" aria-label="Messages" ref={ref} tabIndex={0} data-testid="thread">
      <ol class="msgs">
        {messages.map((m) => (
          <li key={m.eventId} class={`msg ${m.senderType} ${mine(m) ? 'mine' : ''}`} data-event-id={m.eventId}>
            <span class="who">{whoOf(m)}</span>
            <span class="text">{m.message}</span>
            {m.attachments.map((a) => (
              <button type="button" class="link" onClick={() => open(a.url)}>
                Attachment: {a.fileName}
              </button>
            ))}
            <time dateTime={m.createdAt}>{timeOf(m.createdAt)}</time>
          </li>
        ))}
      </ol>
    </div>
  );
}
