package controllers

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/gameserver/config"
	"github.com/croupier-dev/croupier/gameserver/housebot"
	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/roomcontract/redisconn"
)

var testSettings = PodSettings{
	Image:             "croupier:test",
	HeartbeatPeriod:   5 * time.Second,
	SessionKeysSecret: "croupier-session-keys",
	RedisSecret:       "croupier-redis",
	Redis:             redisconn.Options{Mode: "sentinel", Addrs: []string{"s1:26379", "s2:26379"}, MasterName: "main"},
	AllowedOrigins:    []string{"https://cards.example"},
}

func envMap(c corev1.Container) map[string]corev1.EnvVar {
	m := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		m[e.Name] = e
	}
	return m
}

func TestBuildPodMeetsRestrictedProfile(t *testing.T) {
	g := NewWithT(t)
	pod := buildPod(gameroomtest.MakeGameRoom("table", "ns").Obj(), testSettings)
	ps := pod.Spec.SecurityContext
	g.Expect(*ps.RunAsNonRoot).To(BeTrue())
	g.Expect(*ps.RunAsUser).To(BeEquivalentTo(65532))
	g.Expect(ps.SeccompProfile.Type).To(Equal(corev1.SeccompProfileTypeRuntimeDefault))
	g.Expect(*pod.Spec.AutomountServiceAccountToken).To(BeFalse())
	g.Expect(pod.Spec.Containers).To(HaveLen(1))
	cs := pod.Spec.Containers[0].SecurityContext
	g.Expect(*cs.AllowPrivilegeEscalation).To(BeFalse())
	g.Expect(*cs.ReadOnlyRootFilesystem).To(BeTrue())
	g.Expect(cs.Capabilities.Drop).To(ConsistOf(corev1.Capability("ALL")))
	g.Expect(cs.Capabilities.Add).To(BeEmpty())
}

func TestBuildPodIdentity(t *testing.T) {
	g := NewWithT(t)
	room := gameroomtest.MakeGameRoom("table", "ns").Obj()
	room.UID = "uid-1"
	pod := buildPod(room, testSettings)
	g.Expect(pod.Name).To(Equal("table-game"))
	g.Expect(pod.Namespace).To(Equal("ns"))
	g.Expect(pod.Labels).To(Equal(map[string]string{
		LabelName: "croupier", LabelComponent: "gameserver", LabelRoom: "table",
	}))
	g.Expect(metav1.IsControlledBy(pod, room)).To(BeTrue())
	g.Expect(*pod.OwnerReferences[0].BlockOwnerDeletion).To(BeTrue())
	g.Expect(buildPod(room, testSettings)).To(Equal(pod), "the same room must always give the same pod")
}

func TestBuildPodContract(t *testing.T) {
	g := NewWithT(t)
	room := gameroomtest.MakeGameRoom("table", "games").Players(4).Partnerships(false).TargetScore(11).
		SessionTTL(2 * time.Hour).Obj()
	c := buildPod(room, testSettings).Spec.Containers[0]
	g.Expect(c.Image).To(Equal("croupier:test"))
	g.Expect(c.Command).To(Equal([]string{"/croupier-gameserver"}))
	g.Expect(c.Args).To(Equal([]string{"gameserver"}))
	g.Expect(c.Ports).To(ConsistOf(corev1.ContainerPort{Name: "game", ContainerPort: 7350, Protocol: corev1.ProtocolTCP}))
	g.Expect(c.LivenessProbe.HTTPGet.Path).To(Equal("/healthz"))
	g.Expect(c.ReadinessProbe.HTTPGet.Path).To(Equal("/readyz"))
	// docs/API.md: startup every 1 s up to 30 failures, liveness every 10 s
	// 3 failures, readiness every 2 s 2 failures.
	for name, p := range map[string]struct {
		probe           *corev1.Probe
		period, failing int32
	}{"startup": {c.StartupProbe, 1, 30}, "liveness": {c.LivenessProbe, 10, 3}, "readiness": {c.ReadinessProbe, 2, 2}} {
		g.Expect(p.probe.PeriodSeconds).To(Equal(p.period), name)
		g.Expect(p.probe.FailureThreshold).To(Equal(p.failing), name)
	}
	g.Expect(c.VolumeMounts).To(ConsistOf(corev1.VolumeMount{
		Name: "session-keys", MountPath: "/var/run/croupier/session-keys", ReadOnly: true}))

	env := envMap(c)
	g.Expect(env["CROUPIER_POD_NAME"].ValueFrom.FieldRef.FieldPath).To(Equal("metadata.name"))
	pw := env["CROUPIER_REDIS_PASSWORD"].ValueFrom.SecretKeyRef
	g.Expect(pw.Name).To(Equal("croupier-redis"))
	g.Expect(pw.Key).To(Equal("password"))
	g.Expect(*pw.Optional).To(BeTrue())
	g.Expect(env["CROUPIER_RULES"].Value).To(MatchJSON(`{"partnerships":false,"targetScore":11}`))
	g.Expect(env["CROUPIER_REDIS_ADDRS"].Value).To(Equal("s1:26379,s2:26379"))
	g.Expect(env["CROUPIER_ALLOWED_ORIGINS"].Value).To(Equal("https://cards.example"))
}

// The env the operator writes must be exactly what the game server loads.
func TestBuildPodEnvLoadsInGameServer(t *testing.T) {
	g := NewWithT(t)
	room := gameroomtest.MakeGameRoom("table", "games").Players(4).Partnerships(false).TargetScore(11).
		SessionTTL(2 * time.Hour).Obj()
	pod := buildPod(room, testSettings)
	env := envMap(pod.Spec.Containers[0])

	keys := t.TempDir()
	g.Expect(os.WriteFile(filepath.Join(keys, "2026-11-26"), []byte(strings.Repeat("k", 32)), 0o600)).To(Succeed())
	cfg, err := config.Load(func(name string) string {
		switch name {
		case "CROUPIER_POD_NAME": // downward API
			return pod.Name
		case "CROUPIER_REDIS_PASSWORD": // from the Secret
			return "secret"
		case "CROUPIER_SESSION_KEYS_DIR": // the Secret's mount
			g.Expect(env[name].Value).To(Equal("/var/run/croupier/session-keys"))
			return keys
		}
		return env[name].Value
	})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cfg.Room.Namespace).To(Equal("games"))
	g.Expect(cfg.Room.Name).To(Equal("table"))
	g.Expect(cfg.Pod).To(Equal("table-game"))
	g.Expect(cfg.Game).To(Equal("cassino"))
	g.Expect(cfg.Options.Players).To(Equal(4))
	g.Expect(cfg.Options.Partnerships).To(BeFalse())
	g.Expect(cfg.Options.TargetScore).To(Equal(11))
	g.Expect(cfg.Options.Sweeps).To(BeTrue(), "unset options keep the game's defaults")
	g.Expect(cfg.SessionTTL).To(Equal(2 * time.Hour))
	g.Expect(cfg.HeartbeatPeriod).To(Equal(5 * time.Second))
	g.Expect(cfg.ListenAddr).To(Equal(":7350"))
	g.Expect(cfg.Redis).To(Equal(redisconn.Options{Mode: "sentinel", Addrs: []string{"s1:26379", "s2:26379"},
		MasterName: "main", Password: "secret"}))
	g.Expect(cfg.AllowedOrigins).To(Equal([]string{"https://cards.example"}))
}

// A Redis reached over TLS is reached over TLS by the pods too.
func TestBuildPodRedisTLSLoadsInGameServer(t *testing.T) {
	g := NewWithT(t)
	s := testSettings
	s.Redis.TLS = true
	env := envMap(buildPod(gameroomtest.MakeGameRoom("table", "games").Obj(), s).Spec.Containers[0])
	g.Expect(env["CROUPIER_REDIS_TLS"].Value).To(Equal("true"))
	keys := t.TempDir()
	g.Expect(os.WriteFile(filepath.Join(keys, "2026-11-26"), []byte(strings.Repeat("k", 32)), 0o600)).To(Succeed())
	cfg, err := config.Load(func(name string) string {
		switch name {
		case "CROUPIER_POD_NAME":
			return "table-game"
		case "CROUPIER_SESSION_KEYS_DIR":
			return keys
		}
		return env[name].Value
	})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cfg.Redis.TLS).To(BeTrue())
	_, without := envMap(buildPod(gameroomtest.MakeGameRoom("table", "games").Obj(), testSettings).Spec.Containers[0])["CROUPIER_REDIS_TLS"]
	g.Expect(without).To(BeFalse(), "no TLS variable unless TLS is on")
}

// Waiting for replicas is set on the operator and applies to every pod.
func TestBuildPodRedisWaitReplicasLoadsInGameServer(t *testing.T) {
	g := NewWithT(t)
	s := testSettings
	s.Redis.WaitReplicas = 1
	env := envMap(buildPod(gameroomtest.MakeGameRoom("table", "games").Obj(), s).Spec.Containers[0])
	g.Expect(env["CROUPIER_REDIS_WAIT_REPLICAS"].Value).To(Equal("1"))
	keys := t.TempDir()
	g.Expect(os.WriteFile(filepath.Join(keys, "2026-11-26"), []byte(strings.Repeat("k", 32)), 0o600)).To(Succeed())
	cfg, err := config.Load(func(name string) string {
		switch name {
		case "CROUPIER_POD_NAME":
			return "table-game"
		case "CROUPIER_SESSION_KEYS_DIR":
			return keys
		}
		return env[name].Value
	})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cfg.Redis.WaitReplicas).To(Equal(1))
	_, without := envMap(buildPod(gameroomtest.MakeGameRoom("table", "games").Obj(), testSettings).Spec.Containers[0])["CROUPIER_REDIS_WAIT_REPLICAS"]
	g.Expect(without).To(BeFalse(), "no variable unless the operator waits")
}

func TestBuildPodWithoutRedisSecret(t *testing.T) {
	g := NewWithT(t)
	s := testSettings
	s.RedisSecret, s.AllowedOrigins, s.Redis = "", nil, redisconn.Options{Addrs: []string{"redis:6379"}}
	env := envMap(buildPod(gameroomtest.MakeGameRoom("table", "ns").Obj(), s).Spec.Containers[0])
	g.Expect(env).NotTo(HaveKey("CROUPIER_REDIS_PASSWORD"))
	g.Expect(env).NotTo(HaveKey("CROUPIER_REDIS_MASTER_NAME"))
	g.Expect(env).NotTo(HaveKey("CROUPIER_ALLOWED_ORIGINS"))
	g.Expect(env["CROUPIER_REDIS_MODE"].Value).To(Equal("single"))
}

func TestBuildPodTemplate(t *testing.T) {
	g := NewWithT(t)
	res := corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")}}
	tol := corev1.Toleration{Key: "games", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}
	w := gameroomtest.MakeGameRoom("table", "ns").Image("registry.example/croupier:v2").Resources(res).
		NodeSelector("pool", "games").Toleration(tol).PodLabel("team", "cards").PodAnnotation("note", "hi")
	room := w.Obj()
	room.Spec.Template.Labels[LabelRoom] = "other" // the API rejects this; the operator must ignore it anyway
	pod := buildPod(room, testSettings)
	c := pod.Spec.Containers[0]
	g.Expect(c.Image).To(Equal("registry.example/croupier:v2"))
	g.Expect(c.Command).To(Equal([]string{"/croupier-gameserver"}), "another image must provide the same program")
	g.Expect(c.Resources).To(Equal(res))
	g.Expect(pod.Spec.NodeSelector).To(Equal(map[string]string{"pool": "games"}))
	g.Expect(pod.Spec.Tolerations).To(ConsistOf(tol))
	g.Expect(pod.Labels).To(HaveKeyWithValue("team", "cards"))
	g.Expect(pod.Labels).To(HaveKeyWithValue(LabelRoom, "table"))
	g.Expect(pod.Annotations).To(Equal(map[string]string{"note": "hi"}))

	pod.Spec.Tolerations[0].Key = "changed"
	g.Expect(room.Spec.Template.Tolerations[0].Key).To(Equal("games"), "the pod must not share memory with the room")
}

func TestBuildPodDefaultResources(t *testing.T) {
	g := NewWithT(t)
	c := buildPod(gameroomtest.MakeGameRoom("table", "ns").Obj(), testSettings).Spec.Containers[0]
	// docs/API.md: requests cpu 50m, memory 64Mi; limit memory 256Mi.
	g.Expect(c.Resources.Requests.Cpu().String()).To(Equal("50m"))
	g.Expect(c.Resources.Requests.Memory().String()).To(Equal("64Mi"))
	g.Expect(c.Resources.Limits.Memory().String()).To(Equal("256Mi"))
	g.Expect(c.Resources.Limits).NotTo(HaveKey(corev1.ResourceCPU), "no CPU limit")
}

// docs/API.md: a hung pod too hung to exit on SIGTERM is killed after
// Kubernetes' default grace period; the operator sets none of its own.
func TestBuildPodLeavesTheGracePeriodToKubernetes(t *testing.T) {
	pod := buildPod(gameroomtest.MakeGameRoom("table", "ns").Obj(), testSettings)
	NewWithT(t).Expect(pod.Spec.TerminationGracePeriodSeconds).To(BeNil())
}

// spec.bots reaches the pod as CROUPIER_BOTS, with the API's defaults, and
// loads in the game server; a room without bots has no such variable.
func TestBuildPodBots(t *testing.T) {
	g := NewWithT(t)
	env := envMap(buildPod(gameroomtest.MakeGameRoom("table", "ns").Obj(), testSettings).Spec.Containers[0])
	g.Expect(env).NotTo(HaveKey("CROUPIER_BOTS"))

	room := gameroomtest.MakeGameRoom("table", "ns").Players(3).Bots(2, "").Obj()
	env = envMap(buildPod(room, testSettings).Spec.Containers[0])
	g.Expect(env["CROUPIER_BOTS"].Value).To(MatchJSON(`{"count":2,"level":"greedy","delay":"700ms"}`))

	room = gameroomtest.MakeGameRoom("table", "ns").Bots(1, "random").BotDelay(0).Obj()
	env = envMap(buildPod(room, testSettings).Spec.Containers[0])
	g.Expect(env["CROUPIER_BOTS"].Value).To(MatchJSON(`{"count":1,"level":"random","delay":"0s"}`))
	bots, err := housebot.Parse(env["CROUPIER_BOTS"].Value, 2)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(bots).To(Equal(housebot.Config{Count: 1, Level: housebot.LevelRandom}))
}

// Through the API server (its defaults) and the running operator: the
// pod of a room for one person and a bot carries the bots, and the game
// server accepts them.
func TestRoomWithABotGetsABotPod(t *testing.T) {
	g := NewWithT(t)
	ns := gameroomtest.Namespace(t, k8s)
	room := createRoom(t, gameroomtest.MakeGameRoom("solo", ns).Bots(1, ""))
	env := envMap(waitPod(t, room, "").Spec.Containers[0])
	g.Expect(env["CROUPIER_BOTS"].Value).To(MatchJSON(`{"count":1,"level":"greedy","delay":"700ms"}`))
	bots, err := housebot.Parse(env["CROUPIER_BOTS"].Value, 2)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(bots.Seats(2)).To(Equal([]int{1}))
}

// spec.spectators reaches the pod as CROUPIER_SPECTATORS, with the API's
// defaults, and loads in the game server; a room nobody may watch has no
// such variable.
func TestBuildPodSpectators(t *testing.T) {
	g := NewWithT(t)
	env := envMap(buildPod(gameroomtest.MakeGameRoom("table", "ns").Spectators(false, 5, 2).Obj(), testSettings).Spec.Containers[0])
	g.Expect(env).NotTo(HaveKey("CROUPIER_SPECTATORS"))

	pod := buildPod(gameroomtest.MakeGameRoom("table", "ns").Spectators(true, 0, 3).Obj(), testSettings)
	env = envMap(pod.Spec.Containers[0])
	g.Expect(env["CROUPIER_SPECTATORS"].Value).To(MatchJSON(`{"allowed":true,"max":10,"delay":3}`))
	keys := t.TempDir()
	g.Expect(os.WriteFile(filepath.Join(keys, "2026-11-26"), []byte(strings.Repeat("k", 32)), 0o600)).To(Succeed())
	cfg, err := config.Load(func(name string) string {
		switch name {
		case "CROUPIER_POD_NAME":
			return pod.Name
		case "CROUPIER_SESSION_KEYS_DIR":
			return keys
		}
		return env[name].Value
	})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cfg.Spectators).To(Equal(room.Spectators{Allowed: true, Max: 10, Delay: 3}))
}
