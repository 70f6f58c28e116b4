/** The running agent: {@code AgentRuntime} wires the loops ({@code TargetScheduler}), one capture of a pod into the spool ({@code ProfileCollector}), baselines, keys and the insight thread. */
package io.bolometer.agent.runtime;
