/** The only package that talks to the API server: informer cache, leader election, and every write (each refused unless this replica leads). */
package io.bolometer.coordinator.kube;
