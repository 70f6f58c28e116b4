/** The coordinator's {@code /metrics}, {@code /healthz} and {@code /readyz} on Vert.x. */
package io.bolometer.coordinator.http;
