import type { AppRow } from '../schema.js';

/**
 * An app as the engine's client metadata. Only the code flow is registered (no implicit or hybrid); public apps
 * authenticate with nothing but PKCE. `client_secret` carries the stored digest, which the engine compares through
 * the `compareClientSecret` override in engine.ts.
 */
export function clientMetadata(app: AppRow): Record<string, unknown> {
  return {
    client_id: app.clientId,
    client_name: app.name,
    ...(app.logoUrl ? { logo_uri: app.logoUrl } : {}),
    ...(app.clientSecretHash
      ? { client_secret: app.clientSecretHash, token_endpoint_auth_method: 'client_secret_basic' }
      : { token_endpoint_auth_method: 'none' }),
    application_type: 'web',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: app.redirectUris,
    post_logout_redirect_uris: app.postLogoutRedirectUris,
    ...(app.backchannelLogoutUri ? { backchannel_logout_uri: app.backchannelLogoutUri, backchannel_logout_session_required: false } : {}),
    id_token_signed_response_alg: app.signingAlgorithm,
  };
}
