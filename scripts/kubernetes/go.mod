// The module root only: each Kubernetes version has its own v1.<minor>.mod and .sum beside it,
// which scripts/build-kubernetes.sh passes to go with -modfile (scripts/kubernetes/generate-module.sh).
module lessonharness/kube

go 1.25.0
