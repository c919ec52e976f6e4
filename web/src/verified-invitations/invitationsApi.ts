import { useEffect, useState } from 'react';
import { api } from '../api';
import { TERMINAL_STATES, type ConfirmedDetails, type GuestInvitation, type HostInvitation, type InvitationState } from './types';

const admin = '/api/v1/admin/verified-invitations';
const guest = '/api/v1/verified-invitations';

export type NewInvitation = { name?: string; email?: string; roleIds: string[]; groupIds: string[]; expiresInMinutes: number };

export const createInvitation = (input: NewInvitation) =>
  api<{ invitation: HostInvitation; token: string; url: string }>('POST', admin, input);
export const listInvitations = (cursor?: string) =>
  api<{ items: HostInvitation[]; nextCursor: string | null }>('GET', `${admin}?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
export const fetchInvitation = (id: string) => api<{ invitation: HostInvitation }>('GET', `${admin}/${id}`).then((r) => r.invitation);
export const cancelInvitation = (id: string) => api<void>('DELETE', `${admin}/${id}`);
export const greetGuest = (id: string) => api<{ invitation: HostInvitation }>('POST', `${admin}/${id}/greet`).then((r) => r.invitation);
export const hostChooses = (id: string, code: string) =>
  api<{ invitation: HostInvitation }>('POST', `${admin}/${id}/choose`, { code }).then((r) => r.invitation);
export const confirmDetails = (id: string, details: ConfirmedDetails) =>
  api<{ invitation: HostInvitation }>('POST', `${admin}/${id}/confirm`, details).then((r) => r.invitation);

export const joinInvitation = (token: string) =>
  api<{ invitation: GuestInvitation }>('POST', `${guest}/join`, { token }).then((r) => r.invitation);
export const guestChooses = (id: string, code: string) =>
  api<{ invitation: GuestInvitation }>('POST', `${guest}/${id}/choose`, { code }).then((r) => r.invitation);
export const signInAsGuest = (id: string) => api<{ user?: unknown; mfaRequired?: true }>('POST', `${guest}/${id}/sign-in`);

export const hostEventsUrl = (id: string) => `${admin}/${id}/events`;
export const guestEventsUrl = (id: string) => `${guest}/${id}/events`;

/**
 * The invitation as the server last announced it over Server-Sent Events. The server ends the stream once the
 * invitation is over; closing here too stops the browser from reconnecting to hear the end again.
 */
export function useLiveInvitation<T extends { state: InvitationState }>(url: string | null, initial: T | null) {
  const [view, setView] = useState<T | null>(initial);
  useEffect(() => setView(initial), [initial]);
  useEffect(() => {
    if (!url) return;
    const source = new EventSource(url);
    source.addEventListener('state', (event) => {
      const next = JSON.parse((event as MessageEvent<string>).data) as T | null;
      if (!next) return source.close();
      setView(next);
      if (TERMINAL_STATES.includes(next.state)) source.close();
    });
    return () => source.close();
  }, [url]);
  return [view, setView] as const;
}
