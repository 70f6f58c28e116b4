/**
 * Insight: what a captured profile says, computed without a protobuf library, a client, a thread or a clock.
 *
 * <p>{@link io.bolometer.agent.insight.ProfileSummarizer} turns the gzip'd pprof bytes into a
 * {@link io.bolometer.agent.insight.ProfileSummary} (top functions by flat and cumulative share);
 * {@link io.bolometer.agent.insight.SummaryDiff} compares it with the pod's previous summary kept by
 * {@link io.bolometer.agent.insight.BaselineStore}; {@link io.bolometer.agent.insight.TriggerEvidence} and
 * {@link io.bolometer.agent.insight.InsightMetadata} say why the capture happened in object metadata; and
 * {@link io.bolometer.agent.insight.SummaryJson} writes the {@code .summary.json} document of the Insight contract.
 * The only I/O here is reading the stream handed in and the baseline directory handed to the store.
 */
package io.bolometer.agent.insight;
