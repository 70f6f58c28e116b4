package io.bolometer.model.v1alpha1;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The coordinator's plan for one node (cluster-scoped, named after the node): the configs in force there and the
 * pods to profile. The node's agent watches only this object and writes its counters into the status.
 */
@Group(ProfilingConfig.GROUP)
@Version(ProfilingConfig.VERSION)
@Kind("ProfilingAssignment")
@Plural("profilingassignments")
@Singular("profilingassignment")
@ShortNames("passign")
@Categories("profiling")
public class ProfilingAssignment extends CustomResource<ProfilingAssignmentSpec, ProfilingAssignmentStatus> {
}
