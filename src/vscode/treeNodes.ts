import type { RuntimeListing } from '../core/runtimeManager';
import type { AgentInfo } from '../core/types';
import type { Orphan } from '../orphans/findOrphans';

export type TreeNode =
  | { kind: 'runtime'; listing: RuntimeListing }
  | { kind: 'agent'; agent: AgentInfo }
  | { kind: 'error'; runtimeId: string; message: string }
  | { kind: 'empty'; runtimeId: string }
  | { kind: 'orphans' }
  | { kind: 'orphan'; orphan: Orphan };

/** What command handlers receive when invoked from a row. */
export type AgentNode = Extract<TreeNode, { kind: 'agent' }>;
export type RuntimeNode = Extract<TreeNode, { kind: 'runtime' }>;
export type OrphanNode = Extract<TreeNode, { kind: 'orphan' }>;
