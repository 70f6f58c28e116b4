package io.bolometer.testing;

import org.apache.catalina.connector.Connector;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Binds s3mock's extra plain-HTTP Tomcat connector to 127.0.0.1: {@code server.address} covers only the main
 * (HTTPS) connector. Added to s3mock's context through {@code spring.main.sources}.
 */
public class LoopbackConnectors implements BeanPostProcessor {

    static final String LOOPBACK = "127.0.0.1";

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof Connector connector) {
            connector.setProperty("address", LOOPBACK);
        }
        return bean;
    }
}
