//go:build scale

// Package scale measures the operator at 10,000 GameRooms against a local
// control plane (kube-apiserver and etcd from bin/k8s), a redis-server and
// the croupier binary run as `croupier operator`, as in a cluster. It is
// not part of `make test`: run `make bench-operator`.
package scale
