// The CRI part of a containerd (config version 2) configuration, shared by the local cluster's
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
