package io.bolometer.model.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** Where captured profiles are stored. Credentials never appear here: the agent uses the AWS default chain. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class S3Config {
    public static final String DEFAULT_PREFIX = "profiles";
    /** Longest prefix accepted: keys stay far below S3's 1024 bytes, assignments far below etcd's limit. */
    public static final int MAX_PREFIX_LENGTH = 256;
    /** Characters S3 documents as safe in keys, and {@code /}. */
    public static final String PREFIX_PATTERN = "^[A-Za-z0-9!_.*'()/-]*$";
    public static final int MAX_BUCKET_LENGTH = 63;
    /** S3's general-purpose bucket rule (3-63 lowercase letters, digits, dots, hyphens; letter or digit at both ends). */
    public static final String BUCKET_PATTERN = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";
    public static final int MAX_REGION_LENGTH = 32;
    /** AWS regions ({@code us-east-1}, {@code us-gov-west-1}) and the names S3-compatible stores use ({@code auto}). */
    public static final String REGION_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$";
    public static final int MAX_ENDPOINT_LENGTH = 256;
    public static final String ENDPOINT_PATTERN = "^[hH][tT][tT][pP][sS]?://[^\\s]+$";
    /** An AWS account ID: twelve digits. */
    public static final String ACCOUNT_ID_PATTERN = "^[0-9]{12}$";

    @Required
    @Size(max = MAX_BUCKET_LENGTH)
    @Pattern(BUCKET_PATTERN)
    private String bucket;
    /** No schema default: the coordinator applies {@value #DEFAULT_PREFIX}, under the namespace for tenants. */
    @Size(max = MAX_PREFIX_LENGTH)
    @Pattern(PREFIX_PATTERN)
    private String prefix;
    @Size(max = MAX_REGION_LENGTH)
    @Pattern(REGION_PATTERN)
    private String region;
    /** S3-compatible endpoint (MinIO, …); empty means AWS. Restricted by the chart's allow-list. */
    @Size(max = MAX_ENDPOINT_LENGTH)
    @Pattern("^$|" + ENDPOINT_PATTERN)
    private String endpoint;
    @Default("false")
    private Boolean forcePathStyle;
    /**
     * The AWS account that must own the bucket: every upload carries it, and S3 refuses (403) when another account
     * owns the bucket, so a profile never lands in a bucket that was deleted and re-created elsewhere.
     */
    @Pattern(ACCOUNT_ID_PATTERN)
    private String expectedBucketOwner;

    public S3Config() {
    }

    public S3Config(String bucket, String prefix, String region, String endpoint, Boolean forcePathStyle) {
        this.bucket = bucket;
        this.prefix = prefix;
        this.region = region;
        this.endpoint = endpoint;
        this.forcePathStyle = forcePathStyle;
    }

    public S3Config(String bucket, String prefix, String region, String endpoint, Boolean forcePathStyle,
                    String expectedBucketOwner) {
        this(bucket, prefix, region, endpoint, forcePathStyle);
        this.expectedBucketOwner = expectedBucketOwner;
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
    public String getExpectedBucketOwner() { return expectedBucketOwner; }
    public void setExpectedBucketOwner(String expectedBucketOwner) { this.expectedBucketOwner = expectedBucketOwner; }

    public String prefixOrDefault() { return prefix == null ? DEFAULT_PREFIX : prefix; }
    public boolean forcePathStyleOrDefault() { return Boolean.TRUE.equals(forcePathStyle); }

    @Override
    public boolean equals(Object o) {
        return o instanceof S3Config s && Objects.equals(bucket, s.bucket) && Objects.equals(prefix, s.prefix)
                && Objects.equals(region, s.region) && Objects.equals(endpoint, s.endpoint)
                && Objects.equals(forcePathStyle, s.forcePathStyle)
                && Objects.equals(expectedBucketOwner, s.expectedBucketOwner);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bucket, prefix, region, endpoint, forcePathStyle, expectedBucketOwner);
    }
}
