package podrunner

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

const (
	timeout = 30 * time.Second
	poll    = 100 * time.Millisecond
)

func newNamespace(t *testing.T) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "podrunner-"}}
	if err := k8s.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	return ns.Name
}

func getPod(g Gomega, pod *corev1.Pod) *corev1.Pod {
	got := &corev1.Pod{}
	g.Expect(k8s.Get(context.Background(), client.ObjectKeyFromObject(pod), got)).To(Succeed())
	return got
}

func condition(pod *corev1.Pod, t corev1.PodConditionType) corev1.ConditionStatus {
	for _, c := range pod.Status.Conditions {
		if c.Type == t {
			return c.Status
		}
	}
	return ""
}

func pidOf(g Gomega, pod *corev1.Pod) int {
	g.Expect(pod.Status.ContainerStatuses).To(HaveLen(1))
	pid, err := strconv.Atoi(strings.TrimPrefix(pod.Status.ContainerStatuses[0].ContainerID, "croupier-dev://"))
	g.Expect(err).NotTo(HaveOccurred())
	return pid
}

func TestRunnerRunsAGamePodAndStopsItWhenDeleted(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ns := newNamespace(t)
	key := strings.Repeat("k", 32)
	g.Expect(k8s.Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "croupier-session-keys"},
		Data:       map[string][]byte{"2026-11-26": []byte(key)},
	})).To(Succeed())
	g.Expect(k8s.Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "redis"},
		Data:       map[string][]byte{"password": []byte("s3cret")},
	})).To(Succeed())
	pod := MakePod(ns, "room-game").Command("/croupier-gameserver").Args("gameserver", "--verbose").
		Env("CROUPIER_ROOM_NAME", "room").
		FieldEnv("CROUPIER_POD_NAME", "metadata.name").
		FieldEnv("CROUPIER_ROOM_NAMESPACE", "metadata.namespace").
		SecretEnv("CROUPIER_REDIS_PASSWORD", "redis", "password").
		SecretVolume("croupier-session-keys", sessionKeysMountPath).
		ReadinessPath("/readyz").Obj()
	g.Expect(k8s.Create(ctx, pod)).To(Succeed())

	var running *corev1.Pod
	g.Eventually(func(g Gomega) {
		running = getPod(g, pod)
		g.Expect(running.Status.Phase).To(Equal(corev1.PodRunning))
		g.Expect(running.Status.PodIP).To(HavePrefix("127."))
	}, timeout, poll).Should(Succeed())
	g.Expect(running.Spec.NodeName).To(Equal(DefaultNodeName))
	g.Expect(condition(running, corev1.PodReady)).To(Equal(corev1.ConditionFalse), "ready before its probe passed")
	base := "http://" + running.Status.PodIP + ":7350"

	t.Run("the process gets the pod's command, env and keys, and nothing of the host", func(t *testing.T) {
		g := NewWithT(t)
		var report childReport
		g.Eventually(func() error { return getJSON(base+"/report", &report) }, timeout, poll).Should(Succeed())
		g.Expect(report.Program).To(Equal(leanBinary), "the local build of the program the command names")
		g.Expect(report.Args).To(Equal([]string{"gameserver", "--verbose"}))
		g.Expect(report.Env).To(ContainElements(
			"CROUPIER_ROOM_NAME=room",
			"CROUPIER_POD_NAME=room-game",
			"CROUPIER_ROOM_NAMESPACE="+ns,
			"CROUPIER_REDIS_PASSWORD=s3cret",
			"CROUPIER_LISTEN_ADDR="+running.Status.PodIP+":7350",
		))
		g.Expect(report.Env).NotTo(ContainElement(HavePrefix("KUBEBUILDER_ASSETS=")))
		g.Expect(report.Keys).To(Equal(map[string]string{"2026-11-26": key}))
	})

	t.Run("a key added to the Secret reaches the running process", func(t *testing.T) {
		g := NewWithT(t)
		keys := &corev1.Secret{}
		g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "croupier-session-keys"}, keys)).To(Succeed())
		next := strings.Repeat("n", 32)
		keys.Data["2026-12-01"] = []byte(next)
		g.Expect(k8s.Update(ctx, keys)).To(Succeed())
		g.Eventually(func(g Gomega) {
			var report childReport
			g.Expect(getJSON(base+"/report", &report)).To(Succeed())
			g.Expect(report.Keys).To(Equal(map[string]string{"2026-11-26": key, "2026-12-01": next}))
		}, timeout, poll).Should(Succeed())
	})

	t.Run("the pod turns Ready when its readiness probe passes", func(t *testing.T) {
		g := NewWithT(t)
		resp, err := http.Post(base+"/ready", "", nil)
		g.Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		g.Eventually(func(g Gomega) {
			p := getPod(g, pod)
			g.Expect(condition(p, corev1.PodReady)).To(Equal(corev1.ConditionTrue))
			g.Expect(p.Status.ContainerStatuses[0].Ready).To(BeTrue())
		}, timeout, poll).Should(Succeed())
	})

	t.Run("the process logs to <namespace>_<pod>.log", func(t *testing.T) {
		g := NewWithT(t)
		g.Eventually(func() (string, error) {
			b, err := os.ReadFile(filepath.Join(logDir, ns+"_room-game.log"))
			return string(b), err
		}, timeout, poll).Should(ContainSubstring("serving on " + running.Status.PodIP + ":7350"))
	})

	t.Run("deleting the pod kills the process and removes the pod", func(t *testing.T) {
		g := NewWithT(t)
		pid := pidOf(g, running)
		g.Expect(syscall.Kill(pid, 0)).To(Succeed())
		g.Expect(k8s.Delete(ctx, pod)).To(Succeed())
		g.Eventually(func() bool {
			return apierrors.IsNotFound(k8s.Get(ctx, client.ObjectKeyFromObject(pod), &corev1.Pod{}))
		}, timeout, poll).Should(BeTrue(), "the runner never completed the graceful deletion")
		g.Eventually(func() error { return syscall.Kill(pid, 0) }, timeout, poll).Should(MatchError(syscall.ESRCH))
	})
}

func TestRunnerReportsAFailedProcess(t *testing.T) {
	g := NewWithT(t)
	pod := MakePod(newNamespace(t), "crash-game").Env("CHILD_EXIT", "3").ReadinessPath("/readyz").Obj()
	g.Expect(k8s.Create(context.Background(), pod)).To(Succeed())
	g.Eventually(func(g Gomega) {
		p := getPod(g, pod)
		g.Expect(p.Status.Phase).To(Equal(corev1.PodFailed))
		g.Expect(p.Status.ContainerStatuses).To(HaveLen(1))
		g.Expect(p.Status.ContainerStatuses[0].State.Terminated).NotTo(BeNil())
		g.Expect(p.Status.ContainerStatuses[0].State.Terminated.ExitCode).To(Equal(int32(3)))
		g.Expect(condition(p, corev1.PodReady)).To(Equal(corev1.ConditionFalse))
	}, timeout, poll).Should(Succeed())
}

func TestRunnerWaitsForAMissingSecret(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ns := newNamespace(t)
	pod := MakePod(ns, "late-game").SecretEnv("CROUPIER_REDIS_PASSWORD", "late", "password").Obj()
	g.Expect(k8s.Create(ctx, pod)).To(Succeed())
	g.Eventually(func(g Gomega) {
		p := getPod(g, pod)
		g.Expect(p.Status.Phase).To(Equal(corev1.PodPending))
		g.Expect(p.Status.ContainerStatuses).To(HaveLen(1))
		w := p.Status.ContainerStatuses[0].State.Waiting
		g.Expect(w).NotTo(BeNil())
		g.Expect(w.Reason).To(Equal("CreateContainerConfigError"))
		g.Expect(w.Message).To(ContainSubstring(`Secret "late" not found`))
	}, timeout, poll).Should(Succeed())

	g.Expect(k8s.Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "late"},
		Data:       map[string][]byte{"password": []byte("x")},
	})).To(Succeed())
	g.Eventually(func(g Gomega) {
		p := getPod(g, pod)
		g.Expect(p.Status.Phase).To(Equal(corev1.PodRunning))
		// No readiness probe: ready as soon as it runs.
		g.Expect(condition(p, corev1.PodReady)).To(Equal(corev1.ConditionTrue))
	}, timeout, poll).Should(Succeed())
	g.Expect(k8s.Delete(ctx, pod)).To(Succeed())
}

func TestRunnerGivesEachPodItsOwnAddressAndIgnoresOtherPods(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ns := newNamespace(t)
	other := MakePod(ns, "web").Unlabelled().Obj()
	g.Expect(k8s.Create(ctx, other)).To(Succeed())
	a, b := MakePod(ns, "a-game").Obj(), MakePod(ns, "b-game").Obj()
	g.Expect(k8s.Create(ctx, a)).To(Succeed())
	g.Expect(k8s.Create(ctx, b)).To(Succeed())

	ips := map[string]bool{}
	for _, p := range []*corev1.Pod{a, b} {
		g.Eventually(func(g Gomega) {
			got := getPod(g, p)
			g.Expect(got.Status.Phase).To(Equal(corev1.PodRunning))
			ips[got.Status.PodIP] = true
		}, timeout, poll).Should(Succeed())
	}
	g.Expect(ips).To(HaveLen(2), "two pods share an address")
	g.Expect(getPod(g, other).Spec.NodeName).To(BeEmpty())
	g.Expect(getPod(g, other).Status.PodIP).To(BeEmpty())
	g.Expect(k8s.DeleteAllOf(ctx, &corev1.Pod{}, client.InNamespace(ns))).To(Succeed())
}

func TestRunnerRestartsACrashedProcess(t *testing.T) {
	g := NewWithT(t)
	pod := MakePod(newNamespace(t), "flaky-game").RestartPolicy(corev1.RestartPolicyAlways).
		Env("CHILD_EXIT_ONCE", filepath.Join(t.TempDir(), "crashed")).Obj()
	g.Expect(k8s.Create(context.Background(), pod)).To(Succeed())
	g.Eventually(func(g Gomega) {
		p := getPod(g, pod)
		g.Expect(p.Status.Phase).To(Equal(corev1.PodRunning))
		g.Expect(condition(p, corev1.PodReady)).To(Equal(corev1.ConditionTrue))
		cs := p.Status.ContainerStatuses[0]
		g.Expect(cs.RestartCount).To(Equal(int32(1)))
		g.Expect(cs.LastTerminationState.Terminated).NotTo(BeNil())
		g.Expect(cs.LastTerminationState.Terminated.ExitCode).To(Equal(int32(3)))
	}, timeout, poll).Should(Succeed())
	g.Expect(k8s.Delete(context.Background(), pod)).To(Succeed())
}

func TestRunnerRestartsAProcessThatFailsItsLivenessProbe(t *testing.T) {
	g := NewWithT(t)
	pod := MakePod(newNamespace(t), "sick-game").RestartPolicy(corev1.RestartPolicyAlways).Liveness("/healthz").Obj()
	g.Expect(k8s.Create(context.Background(), pod)).To(Succeed())
	var first *corev1.Pod
	g.Eventually(func(g Gomega) {
		first = getPod(g, pod)
		g.Expect(condition(first, corev1.PodReady)).To(Equal(corev1.ConditionTrue))
		g.Expect(*first.Status.ContainerStatuses[0].Started).To(BeTrue())
	}, timeout, poll).Should(Succeed())
	oldPid := pidOf(g, first)

	resp, err := http.Post("http://"+first.Status.PodIP+":7350/sick", "", nil)
	g.Expect(err).NotTo(HaveOccurred())
	resp.Body.Close()
	g.Eventually(func(g Gomega) {
		p := getPod(g, pod)
		g.Expect(p.Status.ContainerStatuses[0].RestartCount).To(Equal(int32(1)))
		g.Expect(condition(p, corev1.PodReady)).To(Equal(corev1.ConditionTrue))
		g.Expect(pidOf(g, p)).NotTo(Equal(oldPid))
	}, timeout, poll).Should(Succeed())
	g.Expect(syscall.Kill(oldPid, 0)).To(MatchError(syscall.ESRCH))
	g.Expect(k8s.Delete(context.Background(), pod)).To(Succeed())
}

func getJSON(url string, v any) error {
	resp, err := http.Get(url) //nolint:gosec // local test server
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}
