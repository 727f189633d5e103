package podrunner

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// volume is a Secret or ConfigMap volume projected into a local directory
// and kept in sync with its source, so a key added to the session-keys
// Secret reaches a running game pod as it would in a cluster.
type volume struct {
	spec corev1.Volume
	dir  string
	last map[string][]byte
}

// mountVolumes projects every Secret and ConfigMap volume the container
// mounts into its own directory under dir (private to this user), and
// returns the local directory of each mount path. Other volume types are
// not needed by game pods; they get an empty directory.
func mountVolumes(ctx context.Context, r client.Reader, pod *corev1.Pod, c *corev1.Container, dir string) (map[string]string, []*volume, error) {
	specs := map[string]corev1.Volume{}
	for _, v := range pod.Spec.Volumes {
		specs[v.Name] = v
	}
	mounts := map[string]string{}
	projected := map[string]*volume{}
	for _, m := range c.VolumeMounts {
		spec, ok := specs[m.Name]
		if !ok {
			return nil, nil, configErrorf("volumeMount %q names no volume of the pod", m.Name)
		}
		v := projected[m.Name]
		if v == nil {
			v = &volume{spec: spec, dir: filepath.Join(dir, "volumes", spec.Name)}
			if err := os.MkdirAll(v.dir, 0o700); err != nil {
				return nil, nil, fmt.Errorf("create volume dir: %w", err)
			}
			if err := v.sync(ctx, r, pod.Namespace); err != nil {
				return nil, nil, fmt.Errorf("volume %q: %w", spec.Name, err)
			}
			projected[m.Name] = v
		}
		mounts[m.MountPath] = filepath.Join(v.dir, m.SubPath)
	}
	return mounts, slicesOf(projected), nil
}

func slicesOf(m map[string]*volume) []*volume {
	out := make([]*volume, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// sync reads the volume's source and rewrites the directory if it changed.
func (v *volume) sync(ctx context.Context, r client.Reader, ns string) error {
	var kind, name string
	var items []corev1.KeyToPath
	var optional *bool
	switch {
	case v.spec.Secret != nil:
		kind, name, items, optional = "Secret", v.spec.Secret.SecretName, v.spec.Secret.Items, v.spec.Secret.Optional
	case v.spec.ConfigMap != nil:
		kind, name, items, optional = "ConfigMap", v.spec.ConfigMap.Name, v.spec.ConfigMap.Items, v.spec.ConfigMap.Optional
	default:
		return nil
	}
	data, err := objectData(ctx, r, ns, kind, name)
	if apierrors.IsNotFound(err) {
		if optional == nil || !*optional {
			return configErrorf("%s %q not found", kind, name)
		}
		data, err = nil, nil
	}
	if err != nil {
		return err
	}
	files, err := project(data, items)
	if err != nil {
		return err
	}
	if v.last != nil && maps.EqualFunc(files, v.last, func(a, b []byte) bool { return string(a) == string(b) }) {
		return nil
	}
	if err := writeAtomically(v.dir, files); err != nil {
		return err
	}
	v.last = files
	return nil
}

// project maps data to files like the kubelet: every key as a file, or
// only the listed items at their paths.
func project(data map[string][]byte, items []corev1.KeyToPath) (map[string][]byte, error) {
	files := map[string][]byte{}
	if len(items) == 0 {
		for k, v := range data {
			files[k] = v
		}
		return files, nil
	}
	for _, it := range items {
		value, ok := data[it.Key]
		if !ok {
			return nil, configErrorf("key %q not found", it.Key)
		}
		if !filepath.IsLocal(it.Path) || strings.HasPrefix(it.Path, "..") {
			return nil, configErrorf("item path %q must be a relative path inside the volume", it.Path)
		}
		files[it.Path] = value
	}
	return files, nil
}

// writeAtomically lays files out as the kubelet does, so a reader never
// sees half an update: the files live in a timestamped ..<time> directory,
// ..data points at the current one (swapped by rename), and each
// top-level name is a symlink through ..data.
func writeAtomically(dir string, files map[string][]byte) error {
	stamp := ".." + time.Now().UTC().Format("2006_01_02_15_04_05.000000000")
	for path, value := range files {
		full := filepath.Join(dir, stamp, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(full, value, 0o400); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, stamp), 0o700); err != nil {
		return err
	}
	tmp := filepath.Join(dir, "..data_tmp")
	_ = os.Remove(tmp)
	if err := os.Symlink(stamp, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, "..data")); err != nil {
		return err
	}
	return relink(dir, stamp, files)
}

// relink points every top-level name at ..data and removes what the new
// content no longer has, including older ..<time> directories.
func relink(dir, stamp string, files map[string][]byte) error {
	top := map[string]bool{}
	for path := range files {
		top[strings.SplitN(filepath.ToSlash(path), "/", 2)[0]] = true
	}
	for name := range top {
		link := filepath.Join(dir, name)
		if _, err := os.Lstat(link); err == nil {
			continue
		}
		if err := os.Symlink(filepath.Join("..data", name), link); err != nil {
			return err
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		stale := !strings.HasPrefix(name, ".") && !top[name]
		oldStamp := strings.HasPrefix(name, "..") && name != stamp && name != "..data"
		if stale || oldStamp {
			_ = os.RemoveAll(filepath.Join(dir, name))
		}
	}
	return nil
}
