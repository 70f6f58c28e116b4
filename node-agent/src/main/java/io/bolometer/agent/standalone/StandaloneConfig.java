package io.bolometer.agent.standalone;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.bolometer.model.v1alpha1.ProfilingConfigSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The standalone-mode file (ARCHITECTURE.md "Standalone mode"): a store, a spool, ports, the profiling settings of
 * a {@code ProfilingConfig} spec and a list of local processes playing pods.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record StandaloneConfig(Store store, String spool, Long spoolMaxBytes, Integer metricsPort,
                               Integer healthPort, ProfilingConfigSpec config, List<Target> targets) {

    public static final long DEFAULT_SPOOL_MAX_BYTES = 512L * 1024 * 1024;

    /** Where profiles go: exactly one of {@code directory} and {@code s3}. */
    public record Store(String directory, S3 s3) {
    }

    /** An S3 (or S3-compatible) bucket; credentials come from the AWS default chain. */
    public record S3(String bucket, String prefix, String region, String endpoint, Boolean forcePathStyle,
                     String expectedBucketOwner) {
    }

    /** A local process with a pprof server, playing a pod. */
    public record Target(String name, String namespace, Map<String, String> labels, String url, String path,
                         Long pid, Double cpuLimitCores, Long memoryLimitBytes,
                         @JsonProperty("service") String service) {
    }

    public static StandaloneConfig read(Path file) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        try {
            StandaloneConfig config = yaml.readValue(Files.readAllBytes(file), StandaloneConfig.class);
            if (config == null) {
                throw new InvalidStandaloneConfigException(file + " is empty");
            }
            config.validate(file);
            return config;
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidStandaloneConfigException(file + ": unknown field '" + e.getPropertyName() + "' at "
                    + e.getPathReference(), e);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new InvalidStandaloneConfigException(file + ": " + e.getOriginalMessage(), e);
        }
    }

    private void validate(Path file) {
        if (store == null || (store.directory() == null) == (store.s3() == null)) {
            throw new InvalidStandaloneConfigException(file + ": store needs exactly one of 'directory' or 's3'");
        }
        if (store.s3() != null && (store.s3().bucket() == null || store.s3().bucket().isBlank())) {
            throw new InvalidStandaloneConfigException(file + ": store.s3.bucket is required");
        }
        if (store.s3() != null && store.s3().expectedBucketOwner() != null
                && !store.s3().expectedBucketOwner().matches(io.bolometer.model.v1alpha1.S3Config.ACCOUNT_ID_PATTERN)) {
            throw new InvalidStandaloneConfigException(file + ": store.s3.expectedBucketOwner must be an AWS account ID "
                    + "(12 digits)");
        }
        if (config != null && (config.getSelector() != null || config.getS3Config() != null)) {
            throw new InvalidStandaloneConfigException(file + ": config takes the ProfilingConfig spec fields except "
                    + "selector and s3Config (targets and store replace them)");
        }
        if (targets == null || targets.isEmpty()) {
            throw new InvalidStandaloneConfigException(file + ": targets must list at least one process");
        }
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            if (t.name() == null || t.name().isBlank() || t.url() == null || t.url().isBlank()) {
                throw new InvalidStandaloneConfigException(file + ": targets[" + i + "] needs a name and a url");
            }
        }
    }

    public int metricsPortOrDefault() {
        return metricsPort == null ? 8080 : metricsPort;
    }

    public int healthPortOrDefault() {
        return healthPort == null ? 8081 : healthPort;
    }

    public long spoolMaxBytesOrDefault() {
        return spoolMaxBytes == null ? DEFAULT_SPOOL_MAX_BYTES : spoolMaxBytes;
    }

    public ProfilingConfigSpec configOrDefault() {
        return config == null ? new ProfilingConfigSpec() : config;
    }

    /** Thrown for a file that can't be used, with a message naming the field. */
    public static final class InvalidStandaloneConfigException extends RuntimeException {
        public InvalidStandaloneConfigException(String message) {
            super(message);
        }

        public InvalidStandaloneConfigException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
