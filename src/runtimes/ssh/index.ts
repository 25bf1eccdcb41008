// The SSH runtime's public surface, for the wiring of `tmuxAgents.runtimes` entries of
// type "ssh": `new SshRuntime({ id, host, port, user, identityFile, alias, ... })`.
export { SshRuntime, type SshRuntimeOptions } from './sshRuntime';
export type { SshHostOptions } from './sshTarget';
export { sshAttachArgv } from './sshAttach';
