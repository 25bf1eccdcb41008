// The agent image and daemon the Docker tests and the benchmark use, in one place.
import Docker from 'dockerode';

export const IMAGE = 'tmux-agents-base:latest';
export const SOCKET = '/var/run/docker.sock';
/** Where test/fixtures is mounted in agent containers. */
export const FIXTURES_IN_CONTAINER = '/opt/fixtures';
/** uid:gid of the image's `agent` user, which owns the test workspaces. */
export const AGENT_UID = 1000;

export const docker = new Docker({ socketPath: SOCKET });
