// Docker named volumes behind PersistentVolumeClaims and emptyDir volumes, and the
// permissions a kubelet gives them: an emptyDir is world-writable (0777); a volume of a
// pod with fsGroup is group-owned by it with the setgid bit, so a non-root agent can write.
// (Real PVs' root permissions depend on the provisioner; 0777 matches the common local ones.)
import type Docker from 'dockerode';
import { LABEL_NAMESPACE, LABEL_POD_UID, LABEL_VOLUME_KIND } from './labels.ts';
import { directoriesTar } from './tar.ts';

export class VolumeManager {
  constructor(
    private readonly docker: Docker,
    private readonly ownerLabels: Record<string, string>,
    private readonly instanceId: string,
  ) {}

  claimVolumeName(claimUid: string): string {
    return `k8s-test-${this.instanceId}-pvc-${claimUid}`;
  }

  async createClaimVolume(namespace: string, claimUid: string): Promise<string> {
    const name = this.claimVolumeName(claimUid);
    await this.docker.createVolume({
      Name: name,
      Labels: { ...this.ownerLabels, [LABEL_NAMESPACE]: namespace, [LABEL_VOLUME_KIND]: 'persistentvolumeclaim' },
    });
    return name;
  }

  async createEmptyDir(namespace: string, podUid: string, volumeName: string): Promise<string> {
    const name = `k8s-test-${this.instanceId}-${podUid.slice(0, 8)}-${volumeName}`;
    await this.docker.createVolume({
      Name: name,
      Labels: { ...this.ownerLabels, [LABEL_NAMESPACE]: namespace, [LABEL_POD_UID]: podUid, [LABEL_VOLUME_KIND]: 'emptyDir' },
    });
    return name;
  }

  async remove(name: string): Promise<void> {
    try {
      await this.docker.getVolume(name).remove();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  }

  /**
   * Gives volume roots the permissions a kubelet gives them: 0777 for an emptyDir, and
   * with `fsGroup` group ownership plus setgid. Done through a helper container that is
   * created with the volumes mounted and removed again, never started (see tar.ts).
   */
  async setRootPermissions(image: string, volumeNames: string[], fsGroup: number | undefined): Promise<void> {
    if (volumeNames.length === 0) return;
    const helper = await this.docker.createContainer({
      Image: image,
      Entrypoint: ['/never-started'],
      Labels: { ...this.ownerLabels, [LABEL_VOLUME_KIND]: 'permission-helper' },
      NetworkDisabled: true,
      HostConfig: { Mounts: volumeNames.map((name, i) => ({ Type: 'volume' as const, Source: name, Target: `/v${i}` })) },
    });
    try {
      const mode = fsGroup === undefined ? 0o777 : 0o2777;
      const tar = directoriesTar(volumeNames.map((_, i) => ({ name: `v${i}`, mode, uid: 0, gid: fsGroup ?? 0 })));
      await helper.putArchive(tar, { path: '/' });
    } finally {
      await helper.remove({ v: false, force: true });
    }
  }
}
