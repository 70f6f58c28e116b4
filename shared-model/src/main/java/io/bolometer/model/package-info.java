/** Shared by coordinator and agent, pure: the LOG_FORMAT check, profile types, object keys and metadata, service names, pod annotations, S3 endpoint comparison. */
package io.bolometer.model;
