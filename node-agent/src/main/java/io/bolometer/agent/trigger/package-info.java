/** Pure: when to capture, from usage samples and an injected clock (thresholds, cooldowns, pre-OOM projection, periodic offsets, one capture per pod). */
package io.bolometer.agent.trigger;
