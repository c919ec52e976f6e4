export type Role = {
  id: string;
  name: string;
  description: string;
  builtin: boolean;
  builtinKey: string | null;
  permissions: string[];
  userCount?: number;
  groupCount?: number;
  createdAt: string;
};

export type PermissionInfo = { key: string; description: string };
export type PermissionArea = { area: string; permissions: PermissionInfo[] };

export type Page<T> = { items: T[]; nextCursor: string | null };
