"""The all-in-one demo: simulated homes through the whole stack on the embedded defaults."""

from simulators.demo.stack import DemoOptions, DemoStack

__all__ = ["DemoOptions", "DemoStack"]
