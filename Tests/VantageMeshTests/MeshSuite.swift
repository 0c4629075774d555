import Testing

/// Every suite of this target runs real agent processes; they run one test at a time, so the
/// 2-core CI machine is not asked to run a dozen agents of several tests at once.
@Suite(.serialized) enum MeshSuite {}
