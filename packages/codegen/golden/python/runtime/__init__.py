"""The runtime of an exported runtime-hub project: expressions, the run state machine, node types."""
