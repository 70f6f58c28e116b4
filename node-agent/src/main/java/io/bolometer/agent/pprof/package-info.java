/** Pure: the one reader of the protobuf wire format and the schema walk of a pprof {@code Profile}. */
package io.bolometer.agent.pprof;
