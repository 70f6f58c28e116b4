/** The coordinator's Micrometer Prometheus registry and its series. */
package io.bolometer.coordinator.metrics;
