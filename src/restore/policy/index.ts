export { ALLOWED, type PolicyDecision, refused } from './decision';
export { formatPath, loadPolicyFile, parsePolicy, policyFromData } from './load';
export {
  baseConversationId,
  type ChannelActor,
  type ChannelRules,
  type Place,
  Policy,
  type PolicyConfig,
} from './policy';
export { type PolicyFile, PolicyFileSchema, unknownRegionMessage } from './schema';
export { NO_USER_GROUPS, type UserGroupDirectory } from './user-groups';
