import type { RuntimeListing } from '../core/runtimeManager';
import type { AgentInfo } from '../core/types';

export type TreeNode =
  | { kind: 'runtime'; listing: RuntimeListing }
  | { kind: 'agent'; agent: AgentInfo }
  | { kind: 'error'; runtimeId: string; message: string }
  | { kind: 'empty'; runtimeId: string };

/** What command handlers receive when invoked from a row. */
export type AgentNode = Extract<TreeNode, { kind: 'agent' }>;
export type RuntimeNode = Extract<TreeNode, { kind: 'runtime' }>;
