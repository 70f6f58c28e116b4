package io.bolometer.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class S3EndpointsTest {

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
            "http://minio.storage.svc:9000, http://minio.storage.svc:9000, true",
            "http://minio.storage.svc:9000/, http://minio.storage.svc:9000, true",
            "HTTP://MinIO.storage.svc:9000, http://minio.storage.svc:9000/, true",
            "http://minio.storage.svc:9000/Bucket, http://minio.storage.svc:9000/bucket, false",
            "https://minio.storage.svc:9000, http://minio.storage.svc:9000, false",
            "http://minio.storage.svc:9001, http://minio.storage.svc:9000, false",
            "' http://a.example '  , http://a.example, true",
            "not a url, not a url, true"})
    void comparesSchemeAndHostWithoutCaseAndTrailingSlashes(String a, String b, boolean same) {
        assertThat(S3Endpoints.same(a, b)).isEqualTo(same);
        assertThat(S3Endpoints.same(b, a)).isEqualTo(same);
    }
}
