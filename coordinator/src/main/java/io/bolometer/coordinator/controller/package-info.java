/** Runs reconciles: {@code Coalescing} (pure) decides when a burst of changes is due, {@code CoalescingQueue} owns the thread, {@code Reconciler} applies one pass. */
package io.bolometer.coordinator.controller;
