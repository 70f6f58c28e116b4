package io.bolometer.agent.upload;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Logs upload failures once per store and distinct cause, not once per attempt, and says when a store works again;
 * messages pass through {@link #redact} so nothing that looks like a credential or signature reaches the log.
 */
final class UploadFailureLog {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolUploader.class);
    // Request ids, hosts' ports, byte counts: vary per attempt without changing what went wrong.
    private static final Pattern VARYING = Pattern.compile("[0-9A-Fa-f][0-9A-Fa-f-]{7,}|\\d+");
    private static final Pattern SECRET = Pattern.compile(
            "(?i)(x-amz-credential|x-amz-signature|x-amz-security-token|authorization|aws_secret_access_key"
                    + "|aws_session_token|secretaccesskey|sessiontoken|signature)(\\s*[=:]\\s*)[^\\s,;&\"']+");

    private final Map<String, Set<String>> seen = new HashMap<>();

    /** Logs the failure unless the same store already reported the same kind of cause since it last worked. */
    void failed(String store, Throwable cause, int waiting) {
        Throwable root = unwrap(cause);
        if (seen.computeIfAbsent(store, s -> new HashSet<>()).add(key(root))) {
            LOG.warn("Uploads to {} fail: {}; keeping {} profile(s) in the spool, retrying with backoff",
                    store, describe(root), waiting);
        }
    }

    /** Notes a success; logs once that the store works again if it had failed. */
    void succeeded(String store) {
        if (seen.remove(store) != null) {
            LOG.info("Uploads to {} work again", store);
        }
    }

    static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + redact(message));
    }

    static String redact(String text) {
        return SECRET.matcher(text).replaceAll("$1$2<redacted>");
    }

    private static String key(Throwable t) {
        if (t instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
            return t.getClass().getName() + ' ' + aws.statusCode() + ' ' + aws.awsErrorDetails().errorCode();
        }
        if (t instanceof SdkServiceException service) {
            return t.getClass().getName() + ' ' + service.statusCode();
        }
        String message = t.getMessage() == null ? "" : VARYING.matcher(t.getMessage()).replaceAll("#");
        return t.getClass().getName() + ' ' + message;
    }
}
