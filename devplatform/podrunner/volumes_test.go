package podrunner

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
)

func readVolume(g Gomega, dir string) map[string]string {
	entries, err := os.ReadDir(dir)
	g.Expect(err).NotTo(HaveOccurred())
	out := map[string]string{}
	for _, e := range entries {
		if e.Name()[0] == '.' {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		g.Expect(err).NotTo(HaveOccurred())
		out[e.Name()] = string(b)
	}
	return out
}

func TestWriteAtomicallyLaysOutAndReplacesLikeTheKubelet(t *testing.T) {
	g := NewWithT(t)
	dir := t.TempDir()
	g.Expect(writeAtomically(dir, map[string][]byte{"2026-11-26": []byte("old"), "2026-11-27": []byte("mid")})).To(Succeed())
	g.Expect(readVolume(g, dir)).To(Equal(map[string]string{"2026-11-26": "old", "2026-11-27": "mid"}))
	target, err := os.Readlink(filepath.Join(dir, "2026-11-26"))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(target).To(Equal(filepath.Join("..data", "2026-11-26")))

	g.Expect(writeAtomically(dir, map[string][]byte{"2026-11-27": []byte("mid"), "2026-12-01": []byte("new")})).To(Succeed())
	g.Expect(readVolume(g, dir)).To(Equal(map[string]string{"2026-11-27": "mid", "2026-12-01": "new"}))
	stamps, _ := filepath.Glob(filepath.Join(dir, "..20*"))
	g.Expect(stamps).To(HaveLen(1), "an older generation was left behind")
}

func TestProject(t *testing.T) {
	data := map[string][]byte{"a": []byte("1"), "b": []byte("2")}
	cases := []struct {
		name  string
		items []corev1.KeyToPath
		want  map[string][]byte
		err   string
	}{
		{name: "every key", want: data},
		{name: "chosen items", items: []corev1.KeyToPath{{Key: "b", Path: "sub/b.txt"}}, want: map[string][]byte{"sub/b.txt": []byte("2")}},
		{name: "missing key", items: []corev1.KeyToPath{{Key: "c", Path: "c"}}, err: `key "c" not found`},
		{name: "escaping path", items: []corev1.KeyToPath{{Key: "a", Path: "../a"}}, err: "must be a relative path inside the volume"},
		{name: "absolute path", items: []corev1.KeyToPath{{Key: "a", Path: "/etc/a"}}, err: "must be a relative path inside the volume"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			got, err := project(data, tc.items)
			if tc.err != "" {
				g.Expect(err).To(MatchError(ContainSubstring(tc.err)))
				return
			}
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(got).To(Equal(tc.want))
		})
	}
}
