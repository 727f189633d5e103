package controllers

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract"
	"github.com/croupier-dev/croupier/roomcontract/redisconn"
)

// Labels on every game pod. The room label is what the operator's pod
// cache selects on, so only game pods are cached.
const (
	LabelName      = "app.kubernetes.io/name"
	LabelComponent = "app.kubernetes.io/component"
	LabelRoom      = "games.croupier.dev/room"
)

// The game pod's fixed shape (see docs/API.md, "The game pod").
const (
	GamePort         = 7350
	gamePortName     = "game"
	gameContainer    = "game"
	gameUID          = 65532
	sessionKeysDir   = "/var/run/croupier/session-keys"
	sessionKeysVol   = "session-keys"
	redisPasswordKey = "password"
)

// GameServerProgram is the program every game pod runs, in whatever image
// it names: the lean game server beside /croupier in the operator's image,
// a quarter of `croupier gameserver`'s memory. Its first argument,
// "gameserver", keeps the pod's command line valid for /croupier too.
const GameServerProgram = "/croupier-gameserver"

// PodSettings are the operator-wide parts of every game pod, from the
// operator's flags.
type PodSettings struct {
	// Image is the game pod's image unless a room's template names
	// another; either way the pod runs GameServerProgram from it.
	Image string
	// HeartbeatPeriod is how often the pod writes its heartbeat to Redis.
	HeartbeatPeriod time.Duration
	// SessionKeysSecret names the Secret of session signing keys, in the
	// room's namespace.
	SessionKeysSecret string
	// RedisSecret names a Secret in the room's namespace whose key
	// `password` is the Redis password; empty means no password.
	RedisSecret string
	// Redis says where Redis is; its Password is never used here (the pod
	// reads it from RedisSecret, so it never appears in a pod spec).
	Redis redisconn.Options
	// AllowedOrigins is the websocket Origin allow-list; empty means the
	// pod's own host only.
	AllowedOrigins []string
}

// PodName is the name of a room's game pod. It is a pure function of the
// room's name so two reconciles can never create two pods.
func PodName(room string) string { return room + "-game" }

// buildPod returns the game pod of room. It is pure: the same room and
// settings always give the same pod.
func buildPod(room *gamesv1.GameRoom, s PodSettings) *corev1.Pod {
	// A copy, so nothing the API client decodes into the pod can reach the
	// room, which is shared with the informer cache.
	t := room.Spec.Template.DeepCopy()
	if t == nil {
		t = &gamesv1.GameRoomPodTemplate{}
	}
	image := s.Image
	if t.Image != "" {
		image = t.Image
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:            PodName(room.Name),
			Namespace:       room.Namespace,
			Labels:          podLabels(room, t.Labels),
			Annotations:     copyMap(t.Annotations),
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(room, gamesv1.GroupVersion.WithKind("GameRoom"))},
		},
		Spec: corev1.PodSpec{
			RestartPolicy:                corev1.RestartPolicyAlways,
			AutomountServiceAccountToken: ptr.To(false),
			EnableServiceLinks:           ptr.To(false),
			SecurityContext: &corev1.PodSecurityContext{
				RunAsNonRoot:   ptr.To(true),
				RunAsUser:      ptr.To[int64](gameUID),
				RunAsGroup:     ptr.To[int64](gameUID),
				FSGroup:        ptr.To[int64](gameUID),
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			},
			Containers:   []corev1.Container{gameContainerSpec(room, s, image, t.Resources)},
			Volumes:      []corev1.Volume{sessionKeysVolume(s.SessionKeysSecret)},
			NodeSelector: copyMap(t.NodeSelector),
			Tolerations:  t.Tolerations,
			Affinity:     t.Affinity,
		},
	}
	return pod
}

// podLabels puts the operator's labels last so a template cannot take
// them over (the API also rejects such templates).
func podLabels(room *gamesv1.GameRoom, extra map[string]string) map[string]string {
	l := copyMap(extra)
	if l == nil {
		l = map[string]string{}
	}
	l[LabelName] = "croupier"
	l[LabelComponent] = "gameserver"
	l[LabelRoom] = room.Name
	return l
}

func gameContainerSpec(room *gamesv1.GameRoom, s PodSettings, image string, res *corev1.ResourceRequirements) corev1.Container {
	probe := func(path string, period, failures int32) *corev1.Probe {
		return &corev1.Probe{
			ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
				Path: path, Port: intstr.FromString(gamePortName),
			}},
			PeriodSeconds:    period,
			TimeoutSeconds:   2,
			FailureThreshold: failures,
		}
	}
	return corev1.Container{
		Name:    gameContainer,
		Image:   image,
		Command: []string{GameServerProgram},
		Args:    []string{"gameserver"},
		Ports:   []corev1.ContainerPort{{Name: gamePortName, ContainerPort: GamePort, Protocol: corev1.ProtocolTCP}},
		Env:     podEnv(room, s),
		VolumeMounts: []corev1.VolumeMount{{
			Name: sessionKeysVol, MountPath: sessionKeysDir, ReadOnly: true,
		}},
		Resources: resourcesOrDefault(res),
		// A slow start must not be killed by liveness; the startup probe
		// gives it up to 30s, then liveness takes over.
		StartupProbe:   probe("/healthz", 1, 30),
		LivenessProbe:  probe("/healthz", 10, 3),
		ReadinessProbe: probe("/readyz", 2, 2),
		SecurityContext: &corev1.SecurityContext{
			AllowPrivilegeEscalation: ptr.To(false),
			Privileged:               ptr.To(false),
			ReadOnlyRootFilesystem:   ptr.To(true),
			RunAsNonRoot:             ptr.To(true),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
	}
}

// podEnv is the pod contract: every setting the game server reads.
func podEnv(room *gamesv1.GameRoom, s PodSettings) []corev1.EnvVar {
	rules, _ := json.Marshal(room.Spec.Rules) // plain struct of pointers: cannot fail
	env := []corev1.EnvVar{
		{Name: roomcontract.EnvRoomNamespace, Value: room.Namespace},
		{Name: roomcontract.EnvRoomName, Value: room.Name},
		{Name: roomcontract.EnvPodName, ValueFrom: &corev1.EnvVarSource{
			FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"},
		}},
		{Name: roomcontract.EnvGame, Value: string(room.Spec.GameOrDefault())},
		{Name: roomcontract.EnvMaxPlayers, Value: strconv.Itoa(int(room.Spec.MaxPlayersOrDefault()))},
		{Name: roomcontract.EnvRules, Value: string(rules)},
		{Name: roomcontract.EnvSessionTTL, Value: room.Spec.SessionTTLOrDefault().String()},
		{Name: roomcontract.EnvListenAddr, Value: fmt.Sprintf(":%d", GamePort)},
		{Name: roomcontract.EnvHeartbeatPeriod, Value: s.HeartbeatPeriod.String()},
		{Name: roomcontract.EnvSessionKeysDir, Value: sessionKeysDir},
		{Name: roomcontract.EnvRedisMode, Value: redisMode(s.Redis.Mode)},
		{Name: roomcontract.EnvRedisAddrs, Value: strings.Join(s.Redis.Addrs, ",")},
	}
	optional := func(name, value string) {
		if value != "" {
			env = append(env, corev1.EnvVar{Name: name, Value: value})
		}
	}
	optional(roomcontract.EnvRedisMaster, s.Redis.MasterName)
	optional(roomcontract.EnvRedisUsername, s.Redis.Username)
	if s.Redis.TLS {
		optional(roomcontract.EnvRedisTLS, "true")
	}
	if s.Redis.WaitReplicas > 0 {
		optional(roomcontract.EnvRedisWaitReplicas, strconv.Itoa(s.Redis.WaitReplicas))
	}
	if s.RedisSecret != "" {
		env = append(env, corev1.EnvVar{Name: roomcontract.EnvRedisPassword, ValueFrom: &corev1.EnvVarSource{
			SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: s.RedisSecret},
				Key:                  redisPasswordKey,
				Optional:             ptr.To(true),
			},
		}})
	}
	optional(roomcontract.EnvAllowedOrigins, strings.Join(s.AllowedOrigins, ","))
	if matchStored(room.Status) {
		optional(roomcontract.EnvMatchStarted, "true")
	}
	if room.Spec.Bots != nil {
		optional(roomcontract.EnvBots, botsEnv(room.Spec.Bots))
	}
	if room.Spec.Spectators.Allowed {
		optional(roomcontract.EnvSpectators, spectatorsEnv(room.Spec.Spectators))
	}
	return env
}

// botsEnv is spec.bots as the pod reads it, with the API's defaults filled
// in, so a room built without the API server's defaulting means the same.
func botsEnv(b *gamesv1.Bots) string {
	raw, _ := json.Marshal(struct { // plain values: cannot fail
		Count int32            `json:"count"`
		Level gamesv1.BotLevel `json:"level"`
		Delay string           `json:"delay"`
	}{b.Count, b.LevelOrDefault(), b.DelayOrDefault().String()})
	return string(raw)
}

// spectatorsEnv is spec.spectators as the pod reads it, defaults filled in.
func spectatorsEnv(s gamesv1.Spectators) string {
	raw, _ := json.Marshal(struct { // plain values: cannot fail
		Allowed bool  `json:"allowed"`
		Max     int32 `json:"max"`
		Delay   int32 `json:"delay"`
	}{s.Allowed, s.MaxOrDefault(), s.Delay})
	return string(raw)
}

func redisMode(m string) string {
	if m == "" {
		return redisconn.ModeSingle
	}
	return m
}

// sessionKeysVolume mounts the signing keys group-readable for the game
// user (fsGroup) and nobody else. The Secret is required: a pod without
// keys could not sign a single session, so it should not start.
func sessionKeysVolume(secret string) corev1.Volume {
	return corev1.Volume{
		Name: sessionKeysVol,
		VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
			SecretName:  secret,
			DefaultMode: ptr.To[int32](0o440),
		}},
	}
}

// resourcesOrDefault gives a room without a template enough for one table
// of cards, and a memory limit so one room cannot starve a node.
func resourcesOrDefault(r *corev1.ResourceRequirements) corev1.ResourceRequirements {
	if r != nil {
		return *r.DeepCopy()
	}
	return corev1.ResourceRequirements{
		Requests: corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse("50m"),
			corev1.ResourceMemory: resource.MustParse("64Mi"),
		},
		Limits: corev1.ResourceList{
			corev1.ResourceMemory: resource.MustParse("256Mi"),
		},
	}
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
