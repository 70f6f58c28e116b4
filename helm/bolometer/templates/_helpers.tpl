{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "bolometer.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: <release>-bolometer, or the release name when it already contains the chart name. */}}
{{- define "bolometer.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "bolometer.coordinator.fullname" -}}
{{- printf "%s-coordinator" (include "bolometer.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "bolometer.agent.fullname" -}}
{{- printf "%s-agent" (include "bolometer.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "bolometer.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "bolometer.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: bolometer
{{- end }}

{{/* Selector labels of one component; call with (dict "ctx" $ "component" "agent"). */}}
{{- define "bolometer.selectorLabels" -}}
app.kubernetes.io/name: {{ include "bolometer.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "bolometer.componentLabels" -}}
{{ include "bolometer.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* The agent's ServiceAccount (seed-compatible top-level serviceAccount key). */}}
{{- define "bolometer.agent.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "bolometer.agent.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "bolometer.coordinator.serviceAccountName" -}}
{{- if .Values.coordinator.serviceAccount.create }}
{{- default (include "bolometer.coordinator.fullname" .) .Values.coordinator.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.coordinator.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository:tag, the tag defaulting to the chart's appVersion; call with (dict "ctx" $ "image" .Values.agent.image). */}}
{{- define "bolometer.image" -}}
{{- printf "%s:%s" .image.repository (default .ctx.Chart.AppVersion .image.tag) }}
{{- end }}

{{/* Restricted Pod Security Standard: pod level. */}}
{{- define "bolometer.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Restricted Pod Security Standard: container level. */}}
{{- define "bolometer.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
The JVM writes nothing but the CRT native library, which unpacks into java.io.tmpdir: /tmp is an emptyDir
because the root file system is read-only.
*/}}
{{- define "bolometer.javaToolOptions" -}}
-Djava.io.tmpdir=/tmp -Daws.crt.lib.dir=/tmp
{{- end }}

{{/*
policy/v1 PodDisruptionBudget where the cluster serves it (1.21+; policy/v1beta1 is gone in 1.25+), policy/v1beta1
before. Against a cluster Helm reads both from discovery; `helm template` assumes kube 1.20 unless --kube-version
says otherwise, and lists policy/v1 as a group version only (no kind), hence the group-version check.
*/}}
{{- define "bolometer.pdbApiVersion" -}}
{{- if and (.Capabilities.APIVersions.Has "policy/v1") (semverCompare ">=1.21-0" .Capabilities.KubeVersion.Version) -}}
policy/v1
{{- else -}}
policy/v1beta1
{{- end }}
{{- end }}
