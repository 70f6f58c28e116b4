/** The agent's Micrometer Prometheus registry with the contract's series, and once-per-cause logging. */
package io.bolometer.agent.metrics;
