/** The durable on-disk queue of profiles waiting for upload, within a byte budget shared fairly by configs. */
package io.bolometer.agent.spool;
