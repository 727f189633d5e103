package podrunner

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// podBuilder makes game pods for tests: MakePod("ns", "a").Env("K", "v").Obj().
type podBuilder struct{ pod *corev1.Pod }

func MakePod(ns, name string) *podBuilder {
	return &podBuilder{pod: &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{RoomLabel: name}},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers: []corev1.Container{{
				Name:    "game",
				Image:   "croupier:dev",
				Command: []string{"/croupier"},
				Args:    []string{"gameserver"},
				Ports:   []corev1.ContainerPort{{Name: "game", ContainerPort: 7350}},
				Env:     []corev1.EnvVar{{Name: childEnv, Value: "serve"}},
			}},
		},
	}}
}

func (b *podBuilder) c() *corev1.Container { return &b.pod.Spec.Containers[0] }

func (b *podBuilder) Unlabelled() *podBuilder { b.pod.Labels = nil; return b }

func (b *podBuilder) Command(command ...string) *podBuilder { b.c().Command = command; return b }

func (b *podBuilder) Args(args ...string) *podBuilder { b.c().Args = args; return b }

func (b *podBuilder) Env(name, value string) *podBuilder {
	b.c().Env = append(b.c().Env, corev1.EnvVar{Name: name, Value: value})
	return b
}

func (b *podBuilder) EnvFrom(name string, src *corev1.EnvVarSource) *podBuilder {
	b.c().Env = append(b.c().Env, corev1.EnvVar{Name: name, ValueFrom: src})
	return b
}

func (b *podBuilder) FieldEnv(name, path string) *podBuilder {
	return b.EnvFrom(name, &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: path}})
}

func (b *podBuilder) SecretEnv(name, secret, key string) *podBuilder {
	return b.EnvFrom(name, &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key,
	}})
}

func (b *podBuilder) SecretVolume(secret, mountPath string) *podBuilder {
	b.pod.Spec.Volumes = append(b.pod.Spec.Volumes, corev1.Volume{
		Name: secret, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: secret}},
	})
	b.c().VolumeMounts = append(b.c().VolumeMounts, corev1.VolumeMount{Name: secret, MountPath: mountPath, ReadOnly: true})
	return b
}

func (b *podBuilder) ReadinessPath(path string) *podBuilder {
	b.c().ReadinessProbe = httpProbe(path)
	return b
}

func (b *podBuilder) RestartPolicy(p corev1.RestartPolicy) *podBuilder {
	b.pod.Spec.RestartPolicy = p
	return b
}

func httpProbe(path string) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler:     corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: path, Port: intstr.FromString("game")}},
		PeriodSeconds:    1,
		FailureThreshold: 1,
	}
}

// Liveness gives the pod startup and liveness probes on path.
func (b *podBuilder) Liveness(path string) *podBuilder {
	b.c().StartupProbe, b.c().LivenessProbe = httpProbe(path), httpProbe(path)
	return b
}

func (b *podBuilder) Obj() *corev1.Pod { return b.pod.DeepCopy() }
