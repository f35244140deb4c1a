// The CRI part of a containerd configuration (version 2 for containerd 1.x, 3 and 4 for 2.x), shared by the local cluster's
// containerd and the kind node image's: same runtime, the same pull path through a registry mirror
// (hosts.toml under certsDir, credentials here), and the same fix for hosts without
// CAP_SYS_RESOURCE.
export interface CriConfig {
  sandboxImage: string;
  systemdCgroup: boolean;
  cniBinDir: string;
  cniConfDir: string;
  certsDir: string;
  registry: { host: string; user: string; password: string };
  /** Extra lines under [plugins."io.containerd.grpc.v1.cri"] (streaming server, netns location). */
  extra?: string[];
}

/**
 * The same settings in containerd 2's configuration versions 3 and 4 (containerd docs/cri/config.md),
 * where the CRI plugin is split: images (sandbox image, snapshotter, registry), runtime (runtimes,
 * CNI — bin_dirs is now a list —, OOM score and netns options) and the gRPC server (streaming).
 * containerd 2 still reads version 2 but migrates it on every start and logs a warning.
 */
export interface CriConfigV3 extends Omit<CriConfig, 'extra'> {
  /** Extra lines under [plugins.'io.containerd.cri.v1.runtime']. */
  runtimeExtra?: string[];
  /** Extra lines under [plugins.'io.containerd.grpc.v1.cri'] (the streaming server). */
  serverExtra?: string[];
}

export function criPluginTomlV3(c: CriConfigV3): string {
  const images = `plugins.'io.containerd.cri.v1.images'`;
  const runtime = `plugins.'io.containerd.cri.v1.runtime'`;
  const indent = (lines: string[] | undefined): string => (lines ?? []).map((line) => `  ${line}`).join('\n');
  return `[${images}]
  snapshotter = "overlayfs"
  [${images}.pinned_images]
    sandbox = "${c.sandboxImage}"
  [${images}.registry]
    config_path = "${c.certsDir}"
    [${images}.registry.configs."${c.registry.host}".auth]
      username = "${c.registry.user}"
      password = "${c.registry.password}"
[${runtime}]
  restrict_oom_score_adj = true
${indent(c.runtimeExtra)}
  [${runtime}.containerd]
    default_runtime_name = "runc"
    [${runtime}.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [${runtime}.containerd.runtimes.runc.options]
        SystemdCgroup = ${c.systemdCgroup}
  [${runtime}.cni]
    bin_dirs = ["${c.cniBinDir}"]
    conf_dir = "${c.cniConfDir}"
[plugins.'io.containerd.grpc.v1.cri']
${indent(c.serverExtra)}
`;
}

export function criPluginToml(c: CriConfig): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  // restrict_oom_score_adj: containerd asks for -998 on every sandbox, which a kernel refuses
  // without CAP_SYS_RESOURCE; without it no pod ever starts on these machines.
  return `[${cri}]
  sandbox_image = "${c.sandboxImage}"
  restrict_oom_score_adj = true
${(c.extra ?? []).map((line) => `  ${line}`).join('\n')}
  [${cri}.containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [${cri}.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [${cri}.containerd.runtimes.runc.options]
        SystemdCgroup = ${c.systemdCgroup}
  [${cri}.cni]
    bin_dir = "${c.cniBinDir}"
    conf_dir = "${c.cniConfDir}"
  [${cri}.registry]
    config_path = "${c.certsDir}"
    [${cri}.registry.configs."${c.registry.host}".auth]
      username = "${c.registry.user}"
      password = "${c.registry.password}"
`;
}
