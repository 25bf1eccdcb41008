// The Docker runtime's public surface, for the settings wiring (tmuxAgents.runtimes entries
// with type "docker") and for tests. Importing this module does not load dockerode: the
// runtime loads it on first use.
export { DockerRuntime, dockerAttachArgv } from './dockerRuntime';
export { DEFAULTS as DOCKER_RUNTIME_DEFAULTS, type DockerRuntimeOptions } from './dockerRuntimeOptions';
export { KNOWN_CREDENTIAL_PATHS, DEFAULT_CREDENTIAL_PATHS, type CredentialMountSetting } from './credentialMounts';
export { discoverDockerEndpoint, describeEndpoint, type DockerEndpoint } from './dockerSocket';
export { LABEL as DOCKER_LABELS, containerName } from './containerSpec';
