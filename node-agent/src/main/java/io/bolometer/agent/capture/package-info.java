/** Fetches one pprof body from a pod (Vert.x web client, streamed into the spool, capped, no redirects) and validates it. */
package io.bolometer.agent.capture;
