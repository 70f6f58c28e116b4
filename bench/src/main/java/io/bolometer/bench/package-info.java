/** The performance harness behind {@code make bench}: runs the agents, the coordinator and the Go pods, measures against the goals and writes {@code results.json}. */
package io.bolometer.bench;
