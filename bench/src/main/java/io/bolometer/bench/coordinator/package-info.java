/** The coordinator bench ({@code make bench}): pure planning at scale and the real Coordinator on the mock API server, cold start and bursts. */
package io.bolometer.bench.coordinator;
