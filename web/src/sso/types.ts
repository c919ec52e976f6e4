export type SsoProvider = {
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecretSet: boolean;
  scopes: string[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
};

export type ConnectionTest = { ok: boolean; problems: string[]; issuer: string | null; authorizationEndpoint: string | null };
