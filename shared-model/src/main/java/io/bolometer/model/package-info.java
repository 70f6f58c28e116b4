/** Shared by coordinator and agent, pure: profile types, object keys and metadata, service names, pod annotations, S3 endpoint comparison. */
package io.bolometer.model;
