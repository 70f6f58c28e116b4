/** The API request bench ({@code make bench}): cluster-mode agents on the mock API server, requests per check per node. */
package io.bolometer.bench.agent;
