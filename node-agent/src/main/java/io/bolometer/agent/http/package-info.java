/** The agent's {@code /metrics}, {@code /healthz} and {@code /readyz}, with thread heartbeats. */
package io.bolometer.agent.http;
