package podrunner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// mountVolumes writes every Secret and ConfigMap volume the container
// mounts into its own directory under dir (private to this user), and
// returns the local directory of each mount path. Other volume types are
// not needed by game pods and are skipped (emptyDir gets a fresh directory).
func mountVolumes(ctx context.Context, r client.Reader, pod *corev1.Pod, c *corev1.Container, dir string) (map[string]string, error) {
	volumes := map[string]corev1.Volume{}
	for _, v := range pod.Spec.Volumes {
		volumes[v.Name] = v
	}
	mounts := map[string]string{}
	for _, m := range c.VolumeMounts {
		v, ok := volumes[m.Name]
		if !ok {
			return nil, configErrorf("volumeMount %q names no volume of the pod", m.Name)
		}
		local := filepath.Join(dir, "volumes", v.Name)
		if err := os.MkdirAll(local, 0o700); err != nil {
			return nil, fmt.Errorf("create volume dir: %w", err)
		}
		if err := fillVolume(ctx, r, pod.Namespace, v, local); err != nil {
			return nil, fmt.Errorf("volume %q: %w", v.Name, err)
		}
		mounts[m.MountPath] = filepath.Join(local, m.SubPath)
	}
	return mounts, nil
}

func fillVolume(ctx context.Context, r client.Reader, ns string, v corev1.Volume, dir string) error {
	var kind, name string
	var items []corev1.KeyToPath
	var optional *bool
	switch {
	case v.Secret != nil:
		kind, name, items, optional = "Secret", v.Secret.SecretName, v.Secret.Items, v.Secret.Optional
	case v.ConfigMap != nil:
		kind, name, items, optional = "ConfigMap", v.ConfigMap.Name, v.ConfigMap.Items, v.ConfigMap.Optional
	default:
		return nil
	}
	data, err := objectData(ctx, r, ns, kind, name)
	if apierrors.IsNotFound(err) {
		if optional != nil && *optional {
			return nil
		}
		return configErrorf("%s %q not found", kind, name)
	}
	if err != nil {
		return err
	}
	return writeFiles(dir, data, items)
}

// writeFiles projects data like the kubelet: every key as a file, or only
// the listed items at their paths.
func writeFiles(dir string, data map[string][]byte, items []corev1.KeyToPath) error {
	if len(items) == 0 {
		for k := range data {
			items = append(items, corev1.KeyToPath{Key: k, Path: k})
		}
	}
	for _, it := range items {
		value, ok := data[it.Key]
		if !ok {
			return configErrorf("key %q not found", it.Key)
		}
		if !filepath.IsLocal(it.Path) || strings.Contains(it.Path, "..") {
			return configErrorf("item path %q must be a relative path inside the volume", it.Path)
		}
		path := filepath.Join(dir, it.Path)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(path, value, 0o400); err != nil {
			return err
		}
	}
	return nil
}
