// The one socket a page keeps to Docket's /support namespace.
import { io, type Socket } from 'socket.io-client';

export function openSupportSocket(baseUrl: string, token: string): Socket {
  return io(`${baseUrl}/support`, {
    auth: { token: `Bearer ${token}` },
    // Websocket first; long-polling only when a proxy refuses the upgrade.
    transports: ['websocket', 'polling'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
}
