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
