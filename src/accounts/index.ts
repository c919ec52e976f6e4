export {
  ACCESS_END_CAUSES,
  endAccess,
  membershipChanged,
  onMembershipChange,
  registerAccessHolder,
  type AccessEndCause,
  type AccessEndContext,
  type AccessHolder,
  type MembershipListener,
} from './access.js';
