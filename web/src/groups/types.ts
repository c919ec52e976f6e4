import type { RoleRef, UserStatus } from '../api';

export type Group = {
  id: string;
  name: string;
  description: string;
  roles: RoleRef[];
  memberCount?: number;
  createdAt: string;
  updatedAt: string;
};

export type GroupMember = {
  id: string;
  name: string;
  email: string;
  username: string;
  status: UserStatus;
  addedAt: string;
};
