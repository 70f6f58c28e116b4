/** The coordinator process: {@code Main} reads the settings, {@code Coordinator} wires informers, the reconcile queue, leader election and the HTTP endpoints. */
package io.bolometer.coordinator;
