package io.bolometer.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * The agent's logging, set up in code (found by logback through {@code ServiceLoader}) instead of a
 * {@code logback.xml}: the XML path loads logback's Joran configurator and the JDK's XML parser, ~400 classes kept in
 * memory for the life of an agent that runs on every node (docs/performance.md). {@code LOG_FORMAT=text} (default):
 * one readable line per event; {@code LOG_FORMAT=json}: one JSON object per line (logback's {@code JsonEncoder}) with
 * component, node and pod under the context properties; {@code BOLOMETER_LOG_LEVEL} sets the level (INFO).
 * {@code -Dlogback.configurationFile=…} still wins: then logback reads that file as usual.
 */
public final class LoggingConfigurator extends ContextAwareBase implements Configurator {
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{0} - %msg%n";
    /** Libraries whose INFO lines are noise for an operator. */
    private static final Map<String, Level> QUIET = Map.of("io.netty", Level.WARN, "io.vertx", Level.WARN,
            "io.fabric8.kubernetes.client.utils.VersionUsageUtils", Level.ERROR, "software.amazon", Level.WARN);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        configure(context, System.getenv());
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    static void configure(LoggerContext context, Map<String, String> env) {
        context.putProperty("component", "node-agent");
        context.putProperty("node", env.getOrDefault("NODE_NAME", ""));
        context.putProperty("pod", env.getOrDefault("POD_NAME", ""));
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        boolean json = "json".equals(env.get("LOG_FORMAT"));
        console.setName(json ? "json" : "text");
        console.setEncoder(json ? json(context) : text(context));
        console.start();
        QUIET.forEach((name, level) -> context.getLogger(name).setLevel(level));
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(env.getOrDefault("BOLOMETER_LOG_LEVEL", "INFO"), Level.INFO));
        root.addAppender(console);
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithMDC(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }
}
