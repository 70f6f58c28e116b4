/** Where a profile is stored and what is stored: values the spool records and the sinks read, so neither package needs the other's. */
package io.bolometer.agent.store;
