package dev.nimblekafka.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that talks to a real Kafka broker. Declare a {@link KafkaBroker} parameter on
 * a test, a lifecycle method or the constructor to get the broker shared by the whole JVM.
 *
 * <pre>{@code
 * @RealKafka
 * class RoundTripTest {
 *   @Test
 *   void roundTrip(KafkaBroker broker) {
 *     String topic = broker.uniqueTopic("round-trip", 3);
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>Which broker: {@link KafkaBrokerExtension} explains the choice.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Tag("kafka")
@ExtendWith(KafkaBrokerExtension.class)
public @interface RealKafka {}
