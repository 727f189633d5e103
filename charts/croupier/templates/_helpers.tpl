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
{{- printf "%s-redis.%s.svc:6379" (include "croupier.fullname" .) .Release.Namespace -}}
{{- else -}}
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

{{- /* Origins game pods accept: the router's public origin and any extra. */ -}}
{{- define "croupier.gameserverOrigins" -}}
{{- $o := .Values.gameserver.allowedOrigins -}}
{{- if and .Values.router.enabled .Values.router.publicOrigin -}}
{{- $o = append $o .Values.router.publicOrigin -}}
{{- end -}}
{{- join "," (uniq $o) -}}
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
