import { useState } from 'react';
import { api } from '../api/client.ts';
import { Link } from '../app/router.tsx';
import { Async, ErrorMessage, formatInstant, Page } from '../app/ui.tsx';
import { useApi } from '../app/useApi.ts';

/** My messages (a serious adverse event, a code-break, a summons): newest first, unread marked until opened. */
export function InboxPage() {
  const inbox = useApi('/api/me/inbox', { query: { limit: 100 } });
  const [failure, setFailure] = useState<Error | null>(null);
  const markRead = async (id: number) => {
    try {
      await api('post', '/api/me/inbox/{id}/read', { path: { id } });
      inbox.reload();
    } catch (error) {
      setFailure(error as Error);
    }
  };
  return (
    <Page title="Inbox">
      {failure && <ErrorMessage error={failure} />}
      <Async loaded={inbox}>
        {({ messages, unread }) => (
          <>
            <p>{unread === 0 ? 'No unread messages.' : `${unread} unread ${unread === 1 ? 'message' : 'messages'}.`}</p>
            {messages.length === 0 ? (
              <p>Nothing has been sent to you yet.</p>
            ) : (
              <ul className="inbox">
                {messages.map((message) => (
                  <li key={message.id} className={message.readAt ? undefined : 'unread'}>
                    <h2>
                      {message.readAt ? '' : 'Unread: '}
                      {message.subject}
                    </h2>
                    <p className="muted">{formatInstant(message.createdAt)}</p>
                    <p>{message.body}</p>
                    {message.link && <Link to={message.link}>Open</Link>}{' '}
                    {!message.readAt && (
                      <button type="button" onClick={() => void markRead(message.id)}>
                        Mark read
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </Async>
    </Page>
  );
}
