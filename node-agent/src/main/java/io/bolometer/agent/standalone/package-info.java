/** Standalone mode: the {@code --standalone FILE} config and usage sampled from {@code /proc}. */
package io.bolometer.agent.standalone;
