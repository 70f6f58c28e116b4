package io.bolometer.agent.upload;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Tagging;
import software.amazon.awssdk.transfer.s3.S3TransferManager;
import software.amazon.awssdk.transfer.s3.model.UploadFileRequest;

/**
 * Stores profiles in one S3 bucket through the CRT-based transfer manager (multipart above {@link #PART_SIZE}),
 * with the contract metadata as {@code x-amz-meta-*} and the contract tags as object tags.
 */
public final class S3ProfileSink implements ProfileSink {

    /** Multipart threshold and part size: small profiles go in one PUT, large heaps in 8 MiB parts. */
    public static final long PART_SIZE = 8L * 1024 * 1024;
    static final Region FALLBACK_REGION = Region.US_EAST_1;
    private static final Logger LOG = LoggerFactory.getLogger(S3ProfileSink.class);

    private final StoreLocation.S3 location;
    private final S3AsyncClient client;
    private final S3TransferManager transferManager;
    private final S3AsyncClient ownedClient;

    /** A sink on a client someone else owns and closes (clients are shared between buckets of one endpoint). */
    public S3ProfileSink(StoreLocation.S3 location, S3AsyncClient sharedClient) {
        this(location, sharedClient, false);
    }

    private S3ProfileSink(StoreLocation.S3 location, S3AsyncClient client, boolean ownsClient) {
        if (location.bucket() == null || location.bucket().isBlank()) {
            throw new IllegalArgumentException("S3 location has no bucket: " + location);
        }
        this.location = location;
        this.client = client;
        this.transferManager = S3TransferManager.builder().s3Client(client).build();
        this.ownedClient = ownsClient ? client : null;
    }

    /** A sink with its own client, credentials from the AWS default chain (environment, IRSA, Pod Identity, …). */
    public static S3ProfileSink create(StoreLocation.S3 location) {
        return create(location, DefaultCredentialsProvider.builder().build());
    }

    /** A sink with its own client and the given credentials (tests pass static dummy ones). */
    public static S3ProfileSink create(StoreLocation.S3 location, AwsCredentialsProvider credentials) {
        return new S3ProfileSink(location,
                newClient(location.region(), location.endpoint(), location.forcePathStyle(), credentials), true);
    }

    /** A CRT S3 client for one region and endpoint; {@code endpoint} blank means AWS itself. */
    public static S3AsyncClient newClient(String region, String endpoint, boolean forcePathStyle,
                                          AwsCredentialsProvider credentials) {
        var builder = S3AsyncClient.crtBuilder()
                .region(resolveRegion(region))
                .credentialsProvider(credentials)
                .forcePathStyle(forcePathStyle)
                .thresholdInBytes(PART_SIZE)
                .minimumPartSizeInBytes(PART_SIZE);
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    /** The configured region, else the default region chain (AWS_REGION, profile, instance metadata), else us-east-1. */
    static Region resolveRegion(String region) {
        if (region != null && !region.isBlank()) {
            return Region.of(region);
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            return FALLBACK_REGION;
        }
    }

    @Override
    public CompletableFuture<Void> store(StoredProfile profile) {
        PutObjectRequest.Builder put = PutObjectRequest.builder()
                .bucket(location.bucket())
                .key(profile.objectKey())
                .contentType("application/octet-stream")
                .metadata(profile.metadata());
        if (!profile.tags().isEmpty()) {
            put.tagging(tagging(profile.tags()));
        }
        UploadFileRequest upload = UploadFileRequest.builder()
                .putObjectRequest(put.build())
                .source(profile.body())
                .build();
        return transferManager.uploadFile(upload).completionFuture().thenApply(done -> null);
    }

    /**
     * Aborts the multipart uploads still open for this exact key: a SIGKILL mid-upload leaves one open (invisible,
     * but stored and billed) and the retry starts a new one. Only bodies at or above {@link #PART_SIZE} can have
     * one. The key is this agent's own (it names the pod on this node and the capture time), so no other writer's
     * upload is touched. Needs {@code s3:ListBucketMultipartUploads} and {@code s3:AbortMultipartUpload}.
     */
    @Override
    public CompletableFuture<Void> abortUnfinished(StoredProfile profile) {
        if (profile.sizeBytes() < PART_SIZE) {
            return CompletableFuture.completedFuture(null);
        }
        String key = profile.objectKey();
        return client.listMultipartUploads(list -> list.bucket(location.bucket()).prefix(key))
                .thenCompose(listed -> CompletableFuture.allOf(listed.uploads().stream()
                        .filter(upload -> key.equals(upload.key()))
                        .map(this::abort)
                        .toArray(CompletableFuture[]::new)));
    }

    private CompletableFuture<Void> abort(MultipartUpload upload) {
        return client.abortMultipartUpload(abort -> abort.bucket(location.bucket()).key(upload.key())
                        .uploadId(upload.uploadId()))
                .thenRun(() -> LOG.info("Aborted the unfinished multipart upload of s3://{}/{} started {} by an "
                        + "interrupted earlier attempt", location.bucket(), upload.key(), upload.initiated()));
    }

    static Tagging tagging(Map<String, String> tags) {
        List<Tag> tagSet = tags.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(tag -> Tag.builder().key(tag.getKey()).value(tag.getValue()).build())
                .collect(Collectors.toList());
        return Tagging.builder().tagSet(tagSet).build();
    }

    /** The bucket, endpoint and region; never credentials. */
    @Override
    public String describe() {
        return location.toString();
    }

    @Override
    public void close() {
        transferManager.close();
        if (ownedClient != null) {
            ownedClient.close();
        }
    }
}
