package io.bolometer.model.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
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
// A target count is not expressible in JSONPath, so only the node is shown.
@AdditionalPrinterColumn(name = "Node", jsonPath = ".spec.nodeName", getDescription = "The node whose agent runs this plan")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ProfilingAssignment extends CustomResource<ProfilingAssignmentSpec, ProfilingAssignmentStatus> {
}
