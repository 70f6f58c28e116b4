/** Delivers spooled profiles to their stores (S3 through the CRT transfer manager, or a directory), with retries decided by {@code UploadRetries}. */
package io.bolometer.agent.upload;
