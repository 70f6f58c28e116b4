package io.bolometer.agent.upload;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class UploadFailureLogTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(SpoolUploader.class);
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        events.start();
        logger.addAppender(events);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(events);
    }

    @Test
    void logsEachDistinctCauseOncePerStoreUntilItWorksAgain() {
        UploadFailureLog log = new UploadFailureLog();

        log.failed("s3://a", new CompletionException(new ConnectException("refused by 127.0.0.1:40001")), 3);
        log.failed("s3://a", new ConnectException("refused by 127.0.0.1:40002"), 3);
        log.failed("s3://a", new IOException("disk full"), 3);
        log.failed("s3://b", new IOException("disk full"), 1);
        log.succeeded("s3://a");
        log.succeeded("s3://a");
        log.failed("s3://a", new IOException("disk full"), 1);

        assertThat(events.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "Uploads to s3://a fail: ConnectException: refused by 127.0.0.1:40001; "
                        + "keeping 3 profile(s) in the spool, retrying with backoff",
                "Uploads to s3://a fail: IOException: disk full; keeping 3 profile(s) in the spool, retrying with backoff",
                "Uploads to s3://b fail: IOException: disk full; keeping 1 profile(s) in the spool, retrying with backoff",
                "Uploads to s3://a work again",
                "Uploads to s3://a fail: IOException: disk full; keeping 1 profile(s) in the spool, retrying with backoff");
    }

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
