#!/usr/bin/env python3
"""Writes helm/bolometer/dashboards/bolometer.json: the Grafana dashboard, one panel per question, every query
grouped by the scrape's `node` label (the ServiceMonitor/PodMonitor relabel __meta_kubernetes_pod_node_name to it).
Edit here and re-run (python3 scripts/generate-dashboard.py); DashboardTest checks the result."""
import json
import pathlib

SEL = '{node=~"$node"}'
RATE = "[$__rate_interval]"


def rate(metric, by):
    return f"sum by ({by}) (rate({metric}{SEL}{RATE}))"


def quantile(q, metric, by="node"):
    return f"histogram_quantile({q}, sum by ({by}, le) (rate({metric}_bucket{SEL}{RATE})))"


# (title, unit, description, [(expr, legend)])
AGENT = [
    ("Captures per node", "ops", "Profiles captured and spooled, by reason.",
     [(rate("profiling_captures_total", "node, reason"), "{{node}} {{reason}}")]),
    ("Uploads per node", "ops", "Profiles stored durably, by profile type.",
     [(rate("profiling_uploads_total", "node, profile_type"), "{{node}} {{profile_type}}")]),
    ("Errors by stage", "ops", "kubelet, fetch, validate, spool, upload, kube.",
     [(rate("profiling_errors_total", "node, stage"), "{{node}} {{stage}}")]),
    ("Threshold violations", "ops", "Checks that found a pod hot, by resource; checks run for comparison.",
     [(rate("profiling_threshold_violations_total", "node, resource"), "{{node}} {{resource}}"),
      (rate("profiling_threshold_checks_total", "node"), "{{node}} checks")]),
    ("Spool depth", "short", "Profiles waiting for upload. Growing with upload errors: S3 unreachable.",
     [(f"sum by (node) (profiling_spool_profiles{SEL})", "{{node}} profiles")]),
    ("Spool bytes", "bytes", "Bytes waiting for upload.",
     [(f"sum by (node) (profiling_spool_bytes{SEL})", "{{node}}")]),
    ("Capture latency (p50, p95)", "s", "Request to validated profile in the spool; CPU includes its duration.",
     [(quantile(0.5, "profiling_capture_duration_seconds"), "{{node}} p50"),
      (quantile(0.95, "profiling_capture_duration_seconds"), "{{node}} p95")]),
    ("Upload latency (p50, p95)", "s", "One upload to S3.",
     [(quantile(0.5, "profiling_upload_duration_seconds"), "{{node}} p50"),
      (quantile(0.95, "profiling_upload_duration_seconds"), "{{node}} p95")]),
    ("Targets per node", "short", "(config, pod) pairs each agent profiles.",
     [(f"sum by (node) (profiling_targets{SEL})", "{{node}}")]),
    ("Skipped captures", "ops", "Not errors: cpu-profiler-busy, capture-in-progress, spool-full.",
     [(rate("profiling_captures_skipped_total", "node, reason"), "{{node}} {{reason}}")]),
    ("Usage source up", "short", "1 while the kubelet summary is readable; 0 pauses threshold checks.",
     [(f"min by (node) (profiling_usage_source_up{SEL})", "{{node}}")]),
    ("Metadata labels dropped", "ops", "Pod labels left out of object metadata (2 KB budget, collisions).",
     [(rate("profiling_metadata_labels_dropped_total", "node"), "{{node}}")]),
]

COORDINATOR = [
    ("Coordinator reconciles", "ops", "Reconciles by result, on the node the coordinator pod runs on.",
     [(rate("bolometer_coordinator_reconciles_total", "node, result"), "{{node}} {{result}}")]),
    ("Coordinator reconcile duration (mean)", "s", "Mean time of one reconcile.",
     [(f"sum by (node) (rate(bolometer_coordinator_reconcile_duration_seconds_sum{SEL}{RATE}))"
       f" / sum by (node) (rate(bolometer_coordinator_reconcile_duration_seconds_count{SEL}{RATE}))", "{{node}}")]),
    ("Coordinator leader and assigned targets", "short", "Which replica leads; targets it assigned.",
     [(f"max by (node) (bolometer_coordinator_leader{SEL})", "{{node}} leader"),
      (f"max by (node) (bolometer_coordinator_assigned_targets{SEL})", "{{node}} assigned targets")]),
]


def panel(pid, x, y, title, unit, description, queries):
    return {
        "id": pid, "type": "timeseries", "title": title, "description": description,
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "gridPos": {"h": 8, "w": 12, "x": x, "y": y},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}, "tooltip": {"mode": "multi"}},
        "targets": [{"refId": chr(ord("A") + i), "expr": e, "legendFormat": legend,
                     "datasource": {"type": "prometheus", "uid": "${datasource}"}}
                    for i, (e, legend) in enumerate(queries)],
    }


def row(pid, y, title):
    return {"id": pid, "type": "row", "title": title, "collapsed": False, "panels": [],
            "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}}


def build():
    panels, pid, y = [], 1, 0
    for title, group in (("Node agents", AGENT), ("Coordinator", COORDINATOR)):
        panels.append(row(pid, y, title))
        pid, y = pid + 1, y + 1
        for i, spec in enumerate(group):
            panels.append(panel(pid, (i % 2) * 12, y + (i // 2) * 8, *spec))
            pid += 1
        y += ((len(group) + 1) // 2) * 8
    return {
        "uid": "bolometer", "title": "Bolometer", "tags": ["bolometer", "pprof"],
        "description": "Bolometer node agents and coordinator, per node.",
        "schemaVersion": 39, "version": 1, "editable": True, "refresh": "30s",
        "time": {"from": "now-3h", "to": "now"}, "timezone": "utc",
        "templating": {"list": [
            {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
             "current": {}, "hide": 0},
            {"name": "node", "label": "Node", "type": "query",
             "datasource": {"type": "prometheus", "uid": "${datasource}"},
             "query": {"query": "label_values(profiling_targets, node)", "refId": "node"},
             "definition": "label_values(profiling_targets, node)",
             "includeAll": True, "multi": True, "allValue": ".*", "refresh": 2, "sort": 1,
             "current": {"text": "All", "value": "$__all"}, "hide": 0},
        ]},
        "annotations": {"list": []},
        "panels": panels,
    }


if __name__ == "__main__":
    out = pathlib.Path(__file__).resolve().parent.parent / "helm/bolometer/dashboards/bolometer.json"
    out.write_text(json.dumps(build(), indent=2) + "\n")
    print(f"wrote {out}")
