package io.bolometer.agent.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class UploadFailureLogTest {

    @Test
    void redactsSignaturesTokensAndSecretsFromFailureMessages() {
        String message = "Unable to load credentials: aws_secret_access_key=wJalrXUtnFEMI/K7MDENG "
                + "X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr Authorization: AWS4-HMAC-SHA256";

        String redacted = UploadFailureLog.redact(message);

        assertThat(redacted).doesNotContain("wJalrXUtnFEMI", "IQoJb3JpZ2luX2VjEJr", "AWS4-HMAC-SHA256")
                .contains("aws_secret_access_key=<redacted>", "X-Amz-Security-Token=<redacted>");
    }

    @Test
    void describesTheRootCauseBehindCompletionWrappers() {
        Throwable wrapped = new CompletionException(new IOException("connection refused"));

        assertThat(UploadFailureLog.describe(UploadFailureLog.unwrap(wrapped)))
                .isEqualTo("IOException: connection refused");
    }
}
