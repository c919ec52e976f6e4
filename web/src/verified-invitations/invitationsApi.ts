import { useEffect, useState } from 'react';
import { call, client } from '../api';
import { TERMINAL_STATES, type ConfirmedDetails, type InvitationState } from './types';

const admin = '/api/v1/admin/verified-invitations';
const guest = '/api/v1/verified-invitations';

export type NewInvitation = { name?: string; email?: string; roleIds: string[]; groupIds: string[]; expiresInMinutes: number };

const byId = (id: string) => ({ params: { path: { id } } });

export const createInvitation = (body: NewInvitation) => call(client.POST('/api/v1/admin/verified-invitations', { body }));
export const listInvitations = (cursor?: string) =>
  call(client.GET('/api/v1/admin/verified-invitations', { params: { query: { limit: 50, cursor } } }));
export const fetchInvitation = (id: string) =>
  call(client.GET('/api/v1/admin/verified-invitations/{id}', byId(id))).then((r) => r.invitation);
export const cancelInvitation = (id: string) => call(client.DELETE('/api/v1/admin/verified-invitations/{id}', byId(id)));
export const greetGuest = (id: string) =>
  call(client.POST('/api/v1/admin/verified-invitations/{id}/greet', byId(id))).then((r) => r.invitation);
export const hostChooses = (id: string, code: string) =>
  call(client.POST('/api/v1/admin/verified-invitations/{id}/choose', { ...byId(id), body: { code } })).then((r) => r.invitation);
export const confirmDetails = (id: string, details: ConfirmedDetails) =>
  call(client.POST('/api/v1/admin/verified-invitations/{id}/confirm', { ...byId(id), body: details })).then((r) => r.invitation);

export const joinInvitation = (token: string) =>
  call(client.POST('/api/v1/verified-invitations/join', { body: { token } })).then((r) => r.invitation);
export const guestChooses = (id: string, code: string) =>
  call(client.POST('/api/v1/verified-invitations/{id}/choose', { ...byId(id), body: { code } })).then((r) => r.invitation);
export const signInAsGuest = (id: string) => call(client.POST('/api/v1/verified-invitations/{id}/sign-in', byId(id)));

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
