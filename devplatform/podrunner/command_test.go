package podrunner

import (
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
)

func TestArgv(t *testing.T) {
	cases := []struct {
		name    string
		command []string
		args    []string
		want    []string
	}{
		{"entrypoint only", nil, nil, []string{"/bin/croupier", "gameserver"}},
		{"args after the image entrypoint", nil, []string{"gameserver", "-v"}, []string{"/bin/croupier", "gameserver", "-v"}},
		{"command names the image's program", []string{"/croupier", "gameserver"}, nil, []string{"/bin/croupier", "gameserver"}},
		{"command and args", []string{"/croupier"}, []string{"operator"}, []string{"/bin/croupier", "operator"}},
		{"a program with a local build runs it", []string{"/croupier-gameserver"}, []string{"gameserver"},
			[]string{"/bin/croupier-gameserver", "gameserver"}},
		{"a program without one runs the entrypoint's", []string{"/opt/other", "-x"}, []string{"gameserver"},
			[]string{"/bin/croupier", "-x", "gameserver"}},
	}
	programs := map[string]string{"/croupier-gameserver": "/bin/croupier-gameserver"}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &corev1.Container{Command: tc.command, Args: tc.args}
			NewWithT(t).Expect(argv("/bin/croupier", programs, []string{"gameserver"}, c)).To(Equal(tc.want))
		})
	}
}

func TestProcessEnv(t *testing.T) {
	pod := MakePod("ns", "a-game").Obj()
	mounts := map[string]string{sessionKeysMountPath: "/tmp/x/volumes/keys", "/etc/extra/": "/tmp/x/volumes/extra"}
	cases := []struct {
		name string
		env  []string
		want []string
		not  []string
	}{
		{"keys dir defaults to the local copy of its mount", []string{"A=1"},
			[]string{"A=1", "CROUPIER_SESSION_KEYS_DIR=/tmp/x/volumes/keys", "CROUPIER_LISTEN_ADDR=127.0.0.9:7350", "HOSTNAME=a-game"}, nil},
		{"a value naming a mounted path is rewritten", []string{"CROUPIER_SESSION_KEYS_DIR=" + sessionKeysMountPath, "CONF=/etc/extra/app.yaml"},
			[]string{"CROUPIER_SESSION_KEYS_DIR=/tmp/x/volumes/keys", "CONF=/tmp/x/volumes/extra/app.yaml"}, []string{"CROUPIER_SESSION_KEYS_DIR=" + sessionKeysMountPath}},
		{"the pod's listen address wins", []string{"CROUPIER_LISTEN_ADDR=:7350"},
			[]string{"CROUPIER_LISTEN_ADDR=127.0.0.9:7350"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			got := processEnv(pod, tc.env, mounts, "127.0.0.9:7350")
			g.Expect(got).To(ContainElements(tc.want))
			for _, n := range tc.not {
				g.Expect(got).NotTo(ContainElement(n))
			}
			g.Expect(got[len(got)-1]).To(Equal("CROUPIER_LISTEN_ADDR=127.0.0.9:7350"), "later entries win in os/exec")
		})
	}
}

func TestFieldValue(t *testing.T) {
	pod := MakePod("ns", "a-game").Obj()
	pod.UID, pod.Spec.NodeName = "u-1", "croupier-dev"
	pod.Annotations = map[string]string{"team": "cards"}
	cases := map[string]string{
		"metadata.name": "a-game", "metadata.namespace": "ns", "metadata.uid": "u-1",
		"spec.nodeName": "croupier-dev", "status.podIP": "127.0.0.5", "status.hostIP": "127.0.0.1",
		"metadata.labels['" + RoomLabel + "']": "a-game", "metadata.annotations['team']": "cards",
	}
	for path, want := range cases {
		t.Run(path, func(t *testing.T) {
			got, err := fieldValue(pod, path, "127.0.0.5")
			NewWithT(t).Expect(err).NotTo(HaveOccurred())
			NewWithT(t).Expect(got).To(Equal(want))
		})
	}
	t.Run("unsupported", func(t *testing.T) {
		_, err := fieldValue(pod, "status.podIPs", "127.0.0.5")
		NewWithT(t).Expect(err).To(MatchError(ContainSubstring(`fieldRef "status.podIPs" is not supported locally`)))
	})
}
