package io.bolometer.model.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** Where captured profiles are stored. Credentials never appear here: the agent uses the AWS default chain. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class S3Config {
    public static final String DEFAULT_PREFIX = "profiles";

    @Required
    private String bucket;
    @Default("profiles")
    private String prefix;
    private String region;
    /** S3-compatible endpoint (MinIO, …); empty means AWS. Restricted by the chart's allow-list. */
    private String endpoint;
    @Default("false")
    private Boolean forcePathStyle;

    public S3Config() {
    }

    public S3Config(String bucket, String prefix, String region, String endpoint, Boolean forcePathStyle) {
        this.bucket = bucket;
        this.prefix = prefix;
        this.region = region;
        this.endpoint = endpoint;
        this.forcePathStyle = forcePathStyle;
    }

    public String getBucket() { return bucket; }
    public void setBucket(String bucket) { this.bucket = bucket; }
    public String getPrefix() { return prefix; }
    public void setPrefix(String prefix) { this.prefix = prefix; }
    public String getRegion() { return region; }
    public void setRegion(String region) { this.region = region; }
    public String getEndpoint() { return endpoint; }
    public void setEndpoint(String endpoint) { this.endpoint = endpoint; }
    public Boolean getForcePathStyle() { return forcePathStyle; }
    public void setForcePathStyle(Boolean forcePathStyle) { this.forcePathStyle = forcePathStyle; }

    public String prefixOrDefault() { return prefix == null ? DEFAULT_PREFIX : prefix; }
    public boolean forcePathStyleOrDefault() { return Boolean.TRUE.equals(forcePathStyle); }

    @Override
    public boolean equals(Object o) {
        return o instanceof S3Config s && Objects.equals(bucket, s.bucket) && Objects.equals(prefix, s.prefix)
                && Objects.equals(region, s.region) && Objects.equals(endpoint, s.endpoint)
                && Objects.equals(forcePathStyle, s.forcePathStyle);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bucket, prefix, region, endpoint, forcePathStyle);
    }
}
