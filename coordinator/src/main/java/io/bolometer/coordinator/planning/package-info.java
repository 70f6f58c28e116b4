/** Pure decisions on plain values: validate configs, select pods, plan one assignment per node, diff it with the server's, fold status (no client, thread or wall clock). */
package io.bolometer.coordinator.planning;
