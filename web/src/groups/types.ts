import type { Schemas } from '../api';

export type Group = Schemas['Group'];
export type GroupMember = Schemas['GroupMember'];
