/** The {@code profiling.io/v1alpha1} custom resources: ProfilingConfig and ProfilingAssignment, from which the CRDs are generated. */
package io.bolometer.model.v1alpha1;
