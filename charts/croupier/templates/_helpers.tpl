{{- define "croupier.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "croupier.labels" -}}
app.kubernetes.io/name: croupier
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "croupier.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "croupier.sessionKeysSecret" -}}
{{- default (printf "%s-session-keys" (include "croupier.fullname" .)) .Values.sessionKeys.existingSecret -}}
{{- end -}}

{{- define "croupier.redisAddrs" -}}
{{- if .Values.redis.bundled -}}
{{- if and .Values.redis.mode (ne .Values.redis.mode "single") -}}
{{- fail (printf "redis.mode=%s applies to an external Redis (redis.bundled=false, with redis.addrs): the bundled Redis is a single server" .Values.redis.mode) -}}
{{- end -}}
{{- printf "%s-redis.%s.svc:6379" (include "croupier.fullname" .) .Release.Namespace -}}
{{- else -}}
{{- if and (eq .Values.redis.mode "sentinel") (not .Values.redis.masterName) -}}
{{- fail "redis.masterName is required when redis.mode is sentinel: the Sentinels are asked for that master" -}}
{{- end -}}
{{- required "redis.addrs is required when redis.bundled is false" .Values.redis.addrs -}}
{{- end -}}
{{- end -}}

{{- define "croupier.restrictedContainer" -}}
securityContext:
  runAsNonRoot: true
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: ["ALL"]
  seccompProfile:
    type: RuntimeDefault
{{- end -}}

{{- /* Origins the router accepts. */ -}}
{{- define "croupier.routerOrigins" -}}
{{- $o := .Values.router.allowedOrigins -}}
{{- with .Values.router.publicOrigin -}}
{{- $o = append $o . -}}
{{- end -}}
{{- join "," (uniq $o) -}}
{{- end -}}

{{- /* Whole seconds of a Go duration given as <n>s or <n>m. */ -}}
{{- define "croupier.seconds" -}}
{{- $d := toString . -}}
{{- if hasSuffix "m" $d -}}{{ mul (trimSuffix "m" $d | int) 60 }}{{- else -}}{{ trimSuffix "s" $d | int }}{{- end -}}
{{- end -}}

{{- /* A Go duration ("1m30s", "500ms") in seconds, as a float. */ -}}
{{- define "croupier.durationSeconds" -}}
{{- $units := dict "ns" 0.000000001 "us" 0.000001 "µs" 0.000001 "ms" 0.001 "s" 1.0 "m" 60.0 "h" 3600.0 -}}
{{- $total := 0.0 -}}
{{- range regexFindAll "[0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h)" (toString .) -1 -}}
{{- $number := regexFind "^[0-9]+(\\.[0-9]+)?" . -}}
{{- $total = addf $total (mulf $number (get $units (trimPrefix $number .))) -}}
{{- end -}}
{{- $total -}}
{{- end -}}

{{- /* Refuses a duration under the least the binary accepts, before
anything reaches the cluster: (list "operator.heartbeatPeriod" value 1 "1s"). */ -}}
{{- define "croupier.atLeast" -}}
{{- $value := index . 1 -}}
{{- if lt (include "croupier.durationSeconds" $value | float64) (index . 2 | float64) -}}
{{- fail (printf "%s must be at least %s (got %s)" (index . 0) (index . 3) $value) -}}
{{- end -}}
{{- end -}}

{{- /* Namespaces that hold rooms, comma-separated: gameservers.namespaces,
or the release namespace alone. */ -}}
{{- define "croupier.roomNamespaces" -}}
{{- join "," (uniq (default (list .Release.Namespace) .Values.gameservers.namespaces)) -}}
{{- end -}}

{{- /* Namespaces that get the chart's Secrets: the room namespaces and the
release namespace (the operator and the router read them there). */ -}}
{{- define "croupier.secretNamespaces" -}}
{{- join "," (uniq (prepend (default (list) .Values.gameservers.namespaces) .Release.Namespace)) -}}
{{- end -}}

{{- /* Secret whose key `password` is the Redis password: the chart's own for
the bundled Redis, else redis.passwordSecret (empty: no password). */ -}}
{{- define "croupier.redisSecret" -}}
{{- if .Values.redis.bundled -}}
{{- if .Values.redis.passwordSecret -}}
{{- fail "redis.passwordSecret applies to an external Redis (redis.bundled=false); the bundled Redis generates its own password" -}}
{{- end -}}
{{- printf "%s-redis" (include "croupier.fullname" .) -}}
{{- else -}}
{{- .Values.redis.passwordSecret -}}
{{- end -}}
{{- end -}}

{{- /* The data of a Secret the chart generated once: the live copy found
first in the namespaces given (a dict with keys name and namespaces),
as YAML, or nothing on a first install. */ -}}
{{- define "croupier.keptSecretData" -}}
{{- $found := dict -}}
{{- range .namespaces -}}
{{- if not $found -}}
{{- with lookup "v1" "Secret" . $.name -}}
{{- $found = .data | default dict -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if $found }}{{ toYaml $found }}{{ end -}}
{{- end -}}
