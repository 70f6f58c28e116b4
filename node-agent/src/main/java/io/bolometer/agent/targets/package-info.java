/** Pure: what the agent profiles (one pod under one config, with its effective settings) and how a new target set differs from the running one. */
package io.bolometer.agent.targets;
