/** The agent's only access to the API server: the watch of its node's assignment and the status patch. */
package io.bolometer.agent.kube;
