"""Test helpers shipped with the package (loopback servers usable from tests and benchmarks)."""
