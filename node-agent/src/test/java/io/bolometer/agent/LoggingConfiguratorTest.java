package io.bolometer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class LoggingConfiguratorTest {

    @Test
    void logbackFindsTheConfiguratorThroughServiceLoader() {
        assertThat(ServiceLoader.load(ch.qos.logback.classic.spi.Configurator.class).stream()
                .map(ServiceLoader.Provider::type)).contains(LoggingConfigurator.class);
    }

    @Test
    void writesOneReadableLinePerEventByDefault() {
        LoggerContext context = new LoggerContext();
        LoggingConfigurator.configure(context, Map.of());

        String line = encode(context, "Watching ProfilingAssignment node-1");

        assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  ClusterAgent - "
                + "Watching ProfilingAssignment node-1\\R");
        assertThat(context.getLogger("ROOT").getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("software.amazon").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.fabric8.kubernetes.client.utils.VersionUsageUtils").getLevel())
                .isEqualTo(Level.ERROR);
    }

    @Test
    void writesJsonWithComponentAndNodeWhenAskedAndHonoursTheLevel() {
        LoggerContext context = new LoggerContext();
        LoggingConfigurator.configure(context, Map.of("LOG_FORMAT", "json", "NODE_NAME", "node-1",
                "BOLOMETER_LOG_LEVEL", "DEBUG"));

        String line = encode(context, "Captured heap profile");

        assertThat(appender(context).getEncoder()).isInstanceOf(JsonEncoder.class);
        assertThat(line).startsWith("{").contains("\"formattedMessage\":\"Captured heap profile\"")
                .contains("\"component\":\"node-agent\"").contains("\"node\":\"node-1\"")
                .doesNotContain("\"message\":");
        assertThat(context.getLogger("ROOT").getLevel()).isEqualTo(Level.DEBUG);
    }

    private static String encode(LoggerContext context, String message) {
        ch.qos.logback.classic.Logger logger = context.getLogger("io.bolometer.agent.cluster.ClusterAgent");
        LoggingEvent event = new LoggingEvent(logger.getName(), logger, Level.INFO, message, null, null);
        event.setLoggerContext(context);
        return new String(appender(context).getEncoder().encode(event), StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static ConsoleAppender<ILoggingEvent> appender(LoggerContext context) {
        return (ConsoleAppender<ILoggingEvent>) context.getLogger("ROOT").iteratorForAppenders().next();
    }
}
