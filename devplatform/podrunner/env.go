package podrunner

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// configError is a pod the runner cannot start as written; like the
// kubelet's CreateContainerConfigError, it is retried (a missing Secret
// may appear later) and shown in the pod's status.
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }

func configErrorf(format string, args ...any) error {
	return &configError{msg: fmt.Sprintf(format, args...)}
}

// podEnv resolves a container's environment the way the kubelet does for
// the sources game pods use: literal values, the downward API, Secret and
// ConfigMap keys (env and envFrom). podIP is the address the pod will get.
func podEnv(ctx context.Context, r client.Reader, pod *corev1.Pod, c *corev1.Container, podIP string) ([]string, error) {
	var env []string
	for _, from := range c.EnvFrom {
		vars, err := envFrom(ctx, r, pod.Namespace, from)
		if err != nil {
			return nil, err
		}
		env = append(env, vars...)
	}
	for _, v := range c.Env {
		value, ok, err := envValue(ctx, r, pod, v, podIP)
		if err != nil {
			return nil, err
		}
		if ok {
			env = append(env, v.Name+"="+value)
		}
	}
	return env, nil
}

func envValue(ctx context.Context, r client.Reader, pod *corev1.Pod, v corev1.EnvVar, podIP string) (string, bool, error) {
	src := v.ValueFrom
	switch {
	case src == nil:
		return v.Value, true, nil
	case src.FieldRef != nil:
		value, err := fieldValue(pod, src.FieldRef.FieldPath, podIP)
		return value, err == nil, err
	case src.SecretKeyRef != nil:
		ref := src.SecretKeyRef
		return keyValue(ctx, r, pod.Namespace, "Secret", ref.Name, ref.Key, ref.Optional)
	case src.ConfigMapKeyRef != nil:
		ref := src.ConfigMapKeyRef
		return keyValue(ctx, r, pod.Namespace, "ConfigMap", ref.Name, ref.Key, ref.Optional)
	default:
		return "", false, configErrorf("env %s: only value, fieldRef, secretKeyRef and configMapKeyRef are supported locally", v.Name)
	}
}

func fieldValue(pod *corev1.Pod, path, podIP string) (string, error) {
	switch path {
	case "metadata.name":
		return pod.Name, nil
	case "metadata.namespace":
		return pod.Namespace, nil
	case "metadata.uid":
		return string(pod.UID), nil
	case "spec.nodeName":
		return pod.Spec.NodeName, nil
	case "spec.serviceAccountName":
		return pod.Spec.ServiceAccountName, nil
	case "status.podIP":
		return podIP, nil
	case "status.hostIP":
		return hostIP, nil
	}
	if key, ok := subscript(path, "metadata.labels"); ok {
		return pod.Labels[key], nil
	}
	if key, ok := subscript(path, "metadata.annotations"); ok {
		return pod.Annotations[key], nil
	}
	return "", configErrorf("fieldRef %q is not supported locally", path)
}

// subscript parses `field['key']`.
func subscript(path, field string) (string, bool) {
	rest, ok := strings.CutPrefix(path, field+"['")
	if !ok {
		return "", false
	}
	return strings.CutSuffix(rest, "']")
}

func keyValue(ctx context.Context, r client.Reader, ns, kind, name, key string, optional *bool) (string, bool, error) {
	data, err := objectData(ctx, r, ns, kind, name)
	opt := optional != nil && *optional
	if apierrors.IsNotFound(err) {
		if opt {
			return "", false, nil
		}
		return "", false, configErrorf("%s %q not found", kind, name)
	}
	if err != nil {
		return "", false, err
	}
	value, ok := data[key]
	if !ok && !opt {
		return "", false, configErrorf("key %q not found in %s %q", key, kind, name)
	}
	return string(value), ok, nil
}

func envFrom(ctx context.Context, r client.Reader, ns string, from corev1.EnvFromSource) ([]string, error) {
	kind, name, optional := "", "", (*bool)(nil)
	switch {
	case from.SecretRef != nil:
		kind, name, optional = "Secret", from.SecretRef.Name, from.SecretRef.Optional
	case from.ConfigMapRef != nil:
		kind, name, optional = "ConfigMap", from.ConfigMapRef.Name, from.ConfigMapRef.Optional
	default:
		return nil, configErrorf("envFrom: only secretRef and configMapRef are supported locally")
	}
	data, err := objectData(ctx, r, ns, kind, name)
	if apierrors.IsNotFound(err) && optional != nil && *optional {
		return nil, nil
	}
	if apierrors.IsNotFound(err) {
		return nil, configErrorf("%s %q not found", kind, name)
	}
	if err != nil {
		return nil, err
	}
	env := make([]string, 0, len(data))
	for _, k := range slices.Sorted(maps.Keys(data)) {
		env = append(env, from.Prefix+k+"="+string(data[k]))
	}
	return env, nil
}

// objectData reads a Secret's or ConfigMap's data straight from the API
// server: the runner does not cache every Secret of the cluster.
func objectData(ctx context.Context, r client.Reader, ns, kind, name string) (map[string][]byte, error) {
	key := client.ObjectKey{Namespace: ns, Name: name}
	if kind == "Secret" {
		s := &corev1.Secret{}
		if err := r.Get(ctx, key, s); err != nil {
			return nil, fmt.Errorf("read Secret %q: %w", name, err)
		}
		return s.Data, nil
	}
	cm := &corev1.ConfigMap{}
	if err := r.Get(ctx, key, cm); err != nil {
		return nil, fmt.Errorf("read ConfigMap %q: %w", name, err)
	}
	data := make(map[string][]byte, len(cm.Data)+len(cm.BinaryData))
	for k, v := range cm.Data {
		data[k] = []byte(v)
	}
	for k, v := range cm.BinaryData {
		data[k] = v
	}
	return data, nil
}
